"""Notebook 03 end to end: interactions -> split -> validation search -> test comparison -> merchandiser lists.

``RecConfig.from_parameters(params)`` reads the notebook's parameters; ``load(cfg)`` reads the input (company
world orders through the shared loader, or a flat table); ``run(cfg, data)`` does the rest and returns a
``RecAnalysis`` with every table the report shows; ``metrics(a)`` is the flat metrics.json dict.

Model choice: the published lists come from the model with the highest NDCG@k on the VALIDATION split (carved
from training), not on the test split; the test table then says how that choice holds up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.data import inputs, processed
from experiments.lab.config import ParameterError
from experiments.recommend import business, tuning
from experiments.recommend.company import Interactions, company_interactions, customer_profiles, flat_interactions
from experiments.recommend.evaluate import Prepared, Weighting, compare, prepare
from experiments.recommend.models import MODEL_NAMES, make_model
from experiments.recommend.splits import Split, make_split

NOTEBOOK = "03_recommendations"
SEGMENT_COLUMNS = ("segment", "rfm_segment", "segment_name", "segment_label")
"""Columns of segments.parquet read as the segment label, first match wins (02 publishes ``rfm_segment``)."""


@dataclass
class RecConfig:
    """The notebook's parameters, checked."""

    input_path: str = ""
    input_encoding: str = ""
    input_sheet: str = ""
    user_col: str = "customer_id"
    item_col: str = "item_id"
    item_name_col: str = ""
    weight_col: str = ""
    time_col: str = ""
    date_order: str = "auto"
    date_format: str = ""
    min_rating: float | None = None
    split: str = "time"
    test_fraction: float = 0.2
    validation_fraction: float = 0.2
    k: int = 10
    use_weight: bool = True
    recency_half_life_days: float = 0.0
    scaling: str = "log"
    search_grid: str = "small"
    model_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    n_recommendations: int = 10
    exclude_bought: bool = True
    seed: int = 42

    @classmethod
    def from_parameters(cls, p: Mapping[str, Any]) -> RecConfig:
        """Return the config of the notebook parameters ``p``; raises ``ParameterError`` naming a bad key."""
        def fail(key: str, want: str) -> ParameterError:
            return ParameterError(f"{NOTEBOOK}: parameter {key} must be {want}, got {p.get(key)!r}")

        if p.get("split", "time") not in ("time", "random"):
            raise fail("split", "'time' or 'random'")
        for key in ("test_fraction", "validation_fraction"):
            if not 0 < float(p.get(key, 0.2)) < 1:
                raise fail(key, "strictly between 0 and 1")
        for key in ("k", "n_recommendations"):
            if int(p.get(key, 10)) < 1:
                raise fail(key, "a whole number >= 1")
        if p.get("scaling", "log") not in ("none", "log", "bm25"):
            raise fail("scaling", "'none', 'log' or 'bm25'")
        if p.get("search_grid", "small") not in ("none", "small", "large"):
            raise fail("search_grid", "'none', 'small' or 'large'")
        if p.get("itemknn_similarity", "bm25") not in ("cosine", "bm25"):
            raise fail("itemknn_similarity", "'cosine' or 'bm25'")
        mr = p.get("min_rating")
        model_params = {
            "als": {"factors": int(p.get("als_factors", 32)), "regularization": float(p.get("als_regularization", 100)),
                    "alpha": float(p.get("als_alpha", 20)), "iterations": int(p.get("als_iterations", 15))},
            "bpr": {"factors": int(p.get("bpr_factors", 32)), "learning_rate": float(p.get("bpr_learning_rate", 0.01)),
                    "regularization": float(p.get("bpr_regularization", 0.01)),
                    "iterations": int(p.get("bpr_iterations", 100))},
            "itemknn": {"similarity": str(p.get("itemknn_similarity", "bm25")),
                        "K": int(p.get("itemknn_neighbours", 50))},
            "popular": {}, "random": {},
        }
        return cls(input_path=str(p.get("input_path", "")), input_encoding=str(p.get("input_encoding", "")),
                   input_sheet=str(p.get("input_sheet", "")), user_col=str(p.get("user_col", "customer_id")),
                   item_col=str(p.get("item_col", "item_id")), item_name_col=str(p.get("item_name_col", "")),
                   weight_col=str(p.get("weight_col", "")), time_col=str(p.get("time_col", "")),
                   date_order=str(p.get("date_order", "auto")), date_format=str(p.get("date_format", "")),
                   min_rating=None if mr in (None, "") else float(mr), split=str(p.get("split", "time")),
                   test_fraction=float(p.get("test_fraction", 0.2)),
                   validation_fraction=float(p.get("validation_fraction", 0.2)), k=int(p.get("k", 10)),
                   use_weight=bool(p.get("use_weight", True)),
                   recency_half_life_days=float(p.get("recency_half_life_days", 0.0)),
                   scaling=str(p.get("scaling", "log")), search_grid=str(p.get("search_grid", "small")),
                   model_params=model_params, n_recommendations=int(p.get("n_recommendations", 10)),
                   exclude_bought=bool(p.get("exclude_bought", True)), seed=int(p.get("seed", 42)))

    @property
    def weighting(self) -> Weighting:
        """The matrix weighting of this config."""
        return Weighting(use_weight=self.use_weight, recency_half_life_days=self.recency_half_life_days,
                         scaling=self.scaling)


@dataclass
class RecData:
    """What was read: interactions, item names and categories, customer profiles, the input table."""

    interactions: Interactions
    item_names: pd.Series | None
    item_categories: pd.Series | None
    profiles: pd.DataFrame
    table: inputs.InputTable
    segments_found: bool = False


def _segments() -> pd.DataFrame | None:
    """Return segments.parquet (customer_id, segment) from the current processed folder when present."""
    path = processed.current_dir() / "segments.parquet"
    if not path.is_file():
        return None
    seg = pd.read_parquet(path)
    col = next((c for c in SEGMENT_COLUMNS if c in seg.columns), None)
    if col is None or "customer_id" not in seg.columns:
        return None
    return pd.DataFrame({"customer_id": seg["customer_id"].astype(str), "segment": seg[col].astype(str)})


def load(cfg: RecConfig) -> RecData:
    """Read the input: the company world's orders (plus items, customers, segments) or the flat table."""
    if not cfg.input_path.strip():
        from experiments.data.contracts import load_processed

        table = inputs.load_input("", {"user": "customer_id", "item": "item_id", "weight": "quantity",
                                       "time": "ordered_at"}, company="orders")
        inter = company_interactions(table.frame)
        items = load_processed("items")
        names = items.set_index(items["item_id"].astype(str))["name"].astype(str)
        cats = items.set_index(items["item_id"].astype(str))["category"].astype(str)
        customers = load_processed("customers")
        seg = _segments()
        profiles = customer_profiles(customers, inter.frame, seg)
        return RecData(inter, names, cats, profiles, table, seg is not None)
    roles = {"user": cfg.user_col, "item": cfg.item_col, "weight": cfg.weight_col, "time": cfg.time_col,
             "item_name": cfg.item_name_col}
    table = inputs.load_input(cfg.input_path, roles, optional=["weight", "time", "item_name"],
                              encoding=cfg.input_encoding, sheet=cfg.input_sheet)
    frame = table.select([r for r in ("user", "item", "weight", "time") if r in table.columns])
    inter = flat_interactions(frame, table.source, {r: str(c) for r, c in table.columns.items()},
                              min_rating=cfg.min_rating, date_order=cfg.date_order, date_format=cfg.date_format)
    names = None
    if "item_name" in table.columns:
        sel = table.select(["item", "item_name"]).dropna()
        names = sel.assign(item=sel["item"].astype(str).str.strip()).drop_duplicates("item").set_index("item")[
            "item_name"].astype(str)
    return RecData(inter, names, None, customer_profiles(None, inter.frame), table)


@dataclass
class RecAnalysis:
    """Everything the report shows."""

    cfg: RecConfig
    split: Split
    prepared: Prepared
    search: pd.DataFrame
    chosen_params: dict[str, dict[str, Any]]
    validation_best: pd.Series
    chosen: str
    results: pd.DataFrame
    recommendations: pd.DataFrame
    neighbours: pd.DataFrame
    cold_lists: pd.DataFrame
    n_users: int
    n_items: int
    counts: dict[str, int]


def _grids(cfg: RecConfig) -> dict[str, dict[str, list]]:
    """The search grid: the named grid with each model's given parameter values added (always tried)."""
    base = tuning.GRIDS.get(cfg.search_grid, {})
    out: dict[str, dict[str, list]] = {}
    for name in ("als", "bpr", "itemknn"):
        given = cfg.model_params[name]
        grid = {k: list(v) for k, v in base.get(name, {}).items()}
        for key, value in given.items():
            values = grid.setdefault(key, [])
            if value not in values:
                values.append(value)
        out[name] = grid
    return out


def run(cfg: RecConfig, data: RecData) -> RecAnalysis:
    """Split, search on validation, compare on test, then fit the chosen model on everything and build lists."""
    frame = data.interactions.frame
    split = make_split(frame, cfg.split, cfg.test_fraction, cfg.seed)
    val = tuning.validation_split(split, cfg.validation_fraction, cfg.seed)
    val_prep = prepare(val, cfg.weighting)
    search = tuning.search(val_prep, _grids(cfg), cfg.k, cfg.seed)
    chosen_params = {**cfg.model_params, **tuning.best(search)}
    by_model = search.groupby("model")["ndcg_at_k"].max()
    chosen = str(by_model.idxmax())
    prep = prepare(split, cfg.weighting)
    results, _ = compare(prep, {m: chosen_params[m] for m in MODEL_NAMES}, cfg.k, cfg.seed)

    # the lists: the chosen model refitted on all interactions, every known customer in one batch
    full = cfg.weighting.build(frame)
    model = make_model(chosen, chosen_params[chosen], cfg.seed).fit(full.user_items)
    sim = business.item_similarity(full)
    recs = business.top_n(model, full, cfg.n_recommendations, cfg.exclude_bought, data.item_names, sim)
    neighbours = business.also_bought(full, 5, data.item_names, sim)
    known = set(full.users.astype(str))
    cold_ids = data.profiles.loc[~data.profiles["customer_id"].isin(known), "customer_id"]
    cold = business.cold_start(cold_ids, frame, data.profiles, cfg.n_recommendations, data.item_names)
    lists = pd.concat([recs, cold], ignore_index=True)[business.OUTPUT_COLUMNS]
    counts = {**split.counts, **prep.counts, "cold_customers_listed": int(cold["customer_id"].nunique())}
    return RecAnalysis(cfg=cfg, split=split, prepared=prep, search=search, chosen_params=chosen_params,
                       validation_best=by_model, chosen=chosen, results=results, recommendations=lists,
                       neighbours=neighbours, cold_lists=cold, n_users=int(frame["user"].nunique()),
                       n_items=int(frame["item"].nunique()), counts=counts)


def cross_category(neighbours: pd.DataFrame, categories: pd.Series) -> pd.DataFrame:
    """Return the share of each category's "also bought" neighbours that fall in each OTHER category
    (rows: the item's category; the same-category neighbours are left out)."""
    df = neighbours.assign(from_cat=neighbours["item_id"].map(categories),
                           to_cat=neighbours["neighbour_id"].map(categories))
    df = df[df["from_cat"] != df["to_cat"]]
    if df.empty:
        return pd.DataFrame()
    return pd.crosstab(df["from_cat"], df["to_cat"], normalize="index")


def headline(a: RecAnalysis) -> dict[str, Any]:
    """Return the numbers of the first screen: chosen model, its NDCG and the popular baseline's, lift."""
    r = a.results
    best, pop = r.loc[a.chosen, "ndcg_at_k"], r.loc["popular", "ndcg_at_k"]
    return {"chosen": a.chosen, "ndcg": float(best), "popular_ndcg": float(pop),
            "lift": float(best / pop - 1) if pop > 0 else float("nan"),
            "precision": float(r.loc[a.chosen, "precision_at_k"]), "k": a.cfg.k,
            "customers": int(a.recommendations["customer_id"].nunique()),
            "cold": int(a.cold_lists["customer_id"].nunique())}


def metrics(a: RecAnalysis) -> dict[str, Any]:
    """Return the flat metrics.json dict (keys documented in conf/runs.yaml and README)."""
    out: dict[str, Any] = {}
    for m in MODEL_NAMES:
        row = a.results.loc[m]
        for key in ("precision_at_k", "recall_at_k", "map_at_k", "ndcg_at_k", "coverage", "novelty", "diversity"):
            v = row[key]
            out[f"{m}_{key}"] = None if pd.isna(v) else round(float(v), 6)
        out[f"fit_seconds_{m}"] = round(float(row["fit_seconds"]), 4)
    out.update({"n_users": a.n_users, "n_items": a.n_items, "n_cold_start": int(a.split.counts.get("cold_users", 0)),
                "n_test_users": int(a.prepared.counts["eval_users"]), "k": a.cfg.k, "split": a.cfg.split,
                "chosen_model": a.chosen,
                "chosen_lift_over_popular": headline(a)["lift"] if np.isfinite(headline(a)["lift"]) else None,
                "n_customers_with_list": int(a.recommendations["customer_id"].nunique()),
                "n_search_fits": int(len(a.search))})
    return out
