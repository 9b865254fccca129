"""``Config``: notebook 03's parameters as settings.

No defaults here: they live in the notebook's parameters cell (profiles in conf/params/03_recommendations.yaml), and
the range rules (split, scaling, search_grid, itemknn_similarity, date_order choices; fractions strictly between 0
and 1; k and n_recommendations >= 1; recency_half_life_days >= 0; engine duckdb or spark, engine_memory_limit in
(0, 1]; search run, reuse or none; search_budget_seconds and search_validation_users >= 0) in conf/runs.yaml
``checks:``, which the runner applies before the notebook starts. A missing key is a ``ParameterError`` naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from experiments.common.params import need, optional_float, text
from experiments.data.engine import Engine
from experiments.recommend.evaluate import Weighting

NOTEBOOK = "03_recommendations"
#: Each model's parameters and the notebook parameter that holds it (model -> {model parameter: notebook key}).
MODEL_PARAMETERS: dict[str, dict[str, tuple[str, type]]] = {
    "als": {"factors": ("als_factors", int), "regularization": ("als_regularization", float),
            "alpha": ("als_alpha", float), "iterations": ("als_iterations", int)},
    "bpr": {"factors": ("bpr_factors", int), "learning_rate": ("bpr_learning_rate", float),
            "regularization": ("bpr_regularization", float), "iterations": ("bpr_iterations", int)},
    "itemknn": {"similarity": ("itemknn_similarity", str), "K": ("itemknn_neighbours", int)},
    "popular": {},
    "random": {},
}


@dataclass(frozen=True)
class Config:
    """Settings of one recommendation run; each field is the notebook parameter of the same name, except
    ``model_params`` (model -> its parameters, from the ``als_*``, ``bpr_*`` and ``itemknn_*`` parameters)."""

    input_path: str
    input_encoding: str
    input_sheet: str
    input_sep: str
    input_header: str
    customer_col: str
    item_col: str
    item_name_col: str
    weight_col: str
    time_col: str
    date_order: str
    date_format: str
    min_rating: float | None
    split: str
    test_fraction: float
    validation_fraction: float
    k: int
    use_weight: bool
    recency_half_life_days: float
    scaling: str
    search_grid: str
    model_params: Mapping[str, Mapping[str, Any]]
    n_recommendations: int
    exclude_bought: bool
    seed: int
    search: str
    search_budget_seconds: float
    search_validation_users: int
    engine: str
    spark_master: str
    engine_memory_limit: float

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Return the ``Config`` of ``params`` (the notebook's parameters; a missing key is a ``ParameterError``)."""
        def t(key: str) -> str:
            return text(params, key, NOTEBOOK)

        def n(key: str) -> Any:
            return need(params, key, NOTEBOOK)

        model_params = {model: {name: kind(n(key)) for name, (key, kind) in keys.items()}
                        for model, keys in MODEL_PARAMETERS.items()}
        return cls(input_path=t("input_path"), input_encoding=t("input_encoding"), input_sheet=t("input_sheet"),
                   input_sep=t("input_sep"), input_header=t("input_header"), customer_col=t("customer_col"),
                   item_col=t("item_col"), item_name_col=t("item_name_col"),
                   weight_col=t("weight_col"), time_col=t("time_col"), date_order=t("date_order"),
                   date_format=t("date_format"), min_rating=optional_float(params, "min_rating", NOTEBOOK),
                   split=t("split"), test_fraction=float(n("test_fraction")),
                   validation_fraction=float(n("validation_fraction")), k=int(n("k")),
                   use_weight=bool(n("use_weight")), recency_half_life_days=float(n("recency_half_life_days")),
                   scaling=t("scaling"), search_grid=t("search_grid"), model_params=model_params,
                   n_recommendations=int(n("n_recommendations")), exclude_bought=bool(n("exclude_bought")),
                   seed=int(n("seed")), search=t("search"),
                   search_budget_seconds=float(n("search_budget_seconds")),
                   search_validation_users=int(n("search_validation_users")), engine=t("engine"),
                   spark_master=t("spark_master"),
                   engine_memory_limit=float(n("engine_memory_limit")))

    def data_engine(self) -> Engine:
        """The engine of the data steps (``engine``, ``spark_master``, ``engine_memory_limit``)."""
        return Engine(self.engine, self.spark_master, self.engine_memory_limit)

    @property
    def weighting(self) -> Weighting:
        """The matrix weighting of this config: its cells summed on Spark when ``engine`` is spark (data past one
        machine); with DuckDB the in-memory frame is summed by scipy, which took 0.5 s of CPU against DuckDB's 1.2 s
        for the 0.9 million order lines of size large (bench note in bench/bench_recommend.py)."""
        return Weighting(use_weight=self.use_weight, recency_half_life_days=self.recency_half_life_days,
                         scaling=self.scaling, engine=self.data_engine() if self.engine == "spark" else None)
