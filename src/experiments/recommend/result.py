"""``Result``: what one recommendation run found (``tables``, ``metrics()``, ``headline()``) and what it publishes
(``publish()``: ``recommendations``, one row per customer and rank)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.data import inputs
from experiments.recommend.config import Config
from experiments.recommend.evaluate import Prepared
from experiments.recommend.models import MODEL_NAMES
from experiments.recommend.sources import Data
from experiments.recommend.splits import Split


@dataclass
class Result:
    """Everything the report shows.

    ``search``: the validation search (one row per fit); ``results``: every model on the test split (one row per
    model); ``recommendations``: the published lists (model lists and cold-start lists); ``neighbours``: "also
    bought" rows; ``cold_lists``: the cold-start part of the lists. ``n_items`` counts the items in all interactions
    used, ``n_items_train`` those in the test split's training part: the catalogue the models rank and
    ``<model>_coverage`` divides by (a random split can leave an item's only interactions in the test).
    """

    cfg: Config
    data: Data
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
    n_items_train: int
    counts: dict[str, int]

    @property
    def input(self) -> inputs.InputTable:
        """The input table read (for ``run.add_input``)."""
        return self.data.table

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The named tables the report shows."""
        return {"search": self.search, "results": self.results, "recommendations": self.recommendations,
                "neighbours": self.neighbours, "cold_lists": self.cold_lists}

    def headline(self) -> dict[str, Any]:
        """Return the numbers of the first screen: chosen model, its NDCG and the popular baseline's, lift."""
        r = self.results
        best, pop = r.loc[self.chosen, "ndcg_at_k"], r.loc["popular", "ndcg_at_k"]
        return {"chosen": self.chosen, "ndcg": float(best), "popular_ndcg": float(pop),
                "lift": float(best / pop - 1) if pop > 0 else float("nan"),
                "precision": float(r.loc[self.chosen, "precision_at_k"]), "k": self.cfg.k,
                "customers": int(self.recommendations["customer_id"].nunique()),
                "cold": int(self.cold_lists["customer_id"].nunique())}

    def metrics(self) -> dict[str, Any]:
        """Return the flat metrics.json dict (keys documented in conf/runs.yaml)."""
        out: dict[str, Any] = {}
        for m in MODEL_NAMES:
            row = self.results.loc[m]
            for key in ("precision_at_k", "recall_at_k", "map_at_k", "ndcg_at_k", "coverage", "novelty",
                        "diversity"):
                v = row[key]
                out[f"{m}_{key}"] = None if pd.isna(v) else round(float(v), 6)
            out[f"fit_seconds_{m}"] = round(float(row["fit_seconds"]), 4)
        lift = self.headline()["lift"]
        out.update({"n_users": self.n_users, "n_items": self.n_items, "n_items_train": self.n_items_train,
                    "n_cold_start": int(self.split.counts.get("cold_users", 0)),
                    "n_test_users": int(self.prepared.counts["eval_users"]), "k": self.cfg.k,
                    "split": self.cfg.split, "chosen_model": self.chosen,
                    "chosen_lift_over_popular": lift if np.isfinite(lift) else None,
                    "n_customers_with_list": int(self.recommendations["customer_id"].nunique()),
                    "n_search_fits": int(len(self.search))})
        return out

    def publish(self) -> Path:
        """Publish ``recommendations`` (atomic, under the lock) into data/processed for the company world or
        data/interim/flat/processed for a flat table, and keep the chosen settings (``tuning.save_chosen``: data/interim
        or data/interim/flat, recommend_search.json) for ``search: reuse``; return the folder written."""
        from experiments.data import processed
        from experiments.recommend import tuning

        tuning.save_chosen(tuning.chosen_path(self.data.is_company_world),
                           {m: self.chosen_params[m] for m in ("als", "bpr", "itemknn")}, self.cfg.search_grid)
        return processed.publish_results({"recommendations": self.recommendations},
                                         company_world=self.data.is_company_world)
