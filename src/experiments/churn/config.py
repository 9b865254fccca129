"""Notebook 04's parameters as one frozen ``Config`` (no defaults here: they live in the notebook's parameters cell,
profiles in conf/params/04_churn_prediction.yaml, range rules in conf/runs.yaml ``checks:``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from experiments.common.errors import ParameterError
from experiments.common.params import need, text
from experiments.data.engine import Engine

NOTEBOOK = "04_churn_prediction"


@dataclass(frozen=True)
class Config:
    """The settings of one run of notebook 04 (names as in its parameters cell)."""

    # input: empty input_path means the company world
    input_path: str
    input_encoding: str
    input_sheet: str
    input_sep: str
    input_header: str
    # flat table
    customer_col: str
    label_col: str
    positive_label: str
    value_col: str
    value_multiplier: float
    customer_value: float
    # company world
    snapshot_date: str
    score_date: str
    label_days: int
    late_days: int
    # models and the contact list
    test_fraction: float
    campaign_cost: float
    campaign_success_rate: float
    tier_cuts: tuple[float, float]
    max_contacts: int
    n_boot: int
    learning_rate: float  # LightGBM's learning rate
    top_n: int
    seed: int
    # flat table: columns that are not features / that are categories (empty: inferred)
    drop_cols: tuple[str, ...]
    categorical_cols: tuple[str, ...]
    engine: str  # the data engine of the feature table (data.engine)
    spark_master: str
    engine_memory_limit: float

    @property
    def is_company_world(self) -> bool:
        """True when no ``input_path`` is given (the company world's processed tables)."""
        return not self.input_path

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Read every setting from ``params`` (a missing key is a ``ParameterError``)."""
        get, txt = partial(need, params, notebook=NOTEBOOK), partial(text, params, notebook=NOTEBOOK)
        cuts = tuple(float(c) for c in get("tier_cuts"))
        if len(cuts) != 2:
            raise ParameterError(f"{NOTEBOOK}: tier_cuts must hold two probabilities, got {list(cuts)}")
        return cls(
            input_path=txt("input_path"), input_encoding=txt("input_encoding"), input_sheet=txt("input_sheet"),
            input_sep=txt("input_sep"), input_header=txt("input_header"), customer_col=txt("customer_col"),
            label_col=txt("label_col"), positive_label=txt("positive_label"),
            drop_cols=tuple(str(c) for c in get("drop_cols")),
            categorical_cols=tuple(str(c) for c in (get("categorical_cols") or ())),
            value_col=txt("value_col"), value_multiplier=float(get("value_multiplier")),
            customer_value=float(get("customer_value")), snapshot_date=txt("snapshot_date"),
            score_date=txt("score_date"), label_days=int(get("label_days")), late_days=int(get("late_days")),
            test_fraction=float(get("test_fraction")), campaign_cost=float(get("campaign_cost")),
            campaign_success_rate=float(get("campaign_success_rate")), tier_cuts=(cuts[0], cuts[1]),
            max_contacts=int(get("max_contacts") or 0), n_boot=int(get("n_boot")),
            learning_rate=float(get("learning_rate")), top_n=int(get("top_n")),
            seed=int(get("seed")), engine=txt("engine"), spark_master=txt("spark_master"),
            engine_memory_limit=float(get("engine_memory_limit")))

    def data_engine(self) -> Engine:
        """The engine of the data steps (``engine``, ``spark_master``, ``engine_memory_limit``)."""
        return Engine(self.engine, self.spark_master, self.engine_memory_limit)


__all__ = ["Config", "NOTEBOOK"]
