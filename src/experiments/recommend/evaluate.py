"""Fit every model on a split's training matrix and score its top-k lists on the held-out pairs.

``prepare(split, ...)`` builds the training matrix (weighted as asked) and the test truth matrix with the SAME user
rows and item columns (test pairs of users or items absent from training cannot be scored and are counted in
``Prepared.counts``). ``compare(prepared, models, k)`` fits each model, recommends for all warm test users in one
batch, and returns one row per model with ``ranking_metrics.METRIC_NAMES`` plus ``fit_seconds``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from experiments.recommend import ranking_metrics
from experiments.recommend.matrix import InteractionMatrix, build_matrix
from experiments.recommend.models import Recommender, make_model
from experiments.recommend.splits import Split, isin


@dataclass
class Weighting:
    """How interactions become matrix values (see ``matrix.build_matrix``); with an ``engine`` the cells are summed
    there (``matrix.engine_cells``), else in pandas/scipy."""

    use_weight: bool
    recency_half_life_days: float
    scaling: str
    engine: Any = None

    def build(self, interactions: pd.DataFrame, **kwargs: Any) -> InteractionMatrix:
        """Return ``build_matrix(interactions, ...)`` with this weighting."""
        return build_matrix(interactions, use_weight=self.use_weight,
                            recency_half_life_days=self.recency_half_life_days, scaling=self.scaling,
                            engine=self.engine, **kwargs)


@dataclass
class Prepared:
    """Training matrix, test truth (same rows/columns) and the rows of the users to evaluate."""

    train: InteractionMatrix
    truth: sp.csr_matrix
    eval_rows: np.ndarray
    counts: dict[str, int] = field(default_factory=dict)


def prepare(split: Split, weighting: Weighting) -> Prepared:
    """Return the ``Prepared`` matrices of ``split``: training weighted by ``weighting``, truth 0/1."""
    train = weighting.build(split.train)
    test = split.test
    known = isin(test["user"], train.users) & isin(test["item"], train.items)
    truth = build_matrix(test[known], users=train.users, items=train.items, use_weight=False).binary()
    eval_rows = np.flatnonzero(np.diff(truth.indptr) > 0)
    counts = {"test_pairs": int(known.sum()), "test_pairs_unscorable": int((~known).sum()),
              "eval_users": int(len(eval_rows))}
    return Prepared(train=train, truth=truth, eval_rows=eval_rows, counts=counts)


def evaluate_lists(recs: np.ndarray, prepared: Prepared, k: int) -> dict[str, float]:
    """Return the ranking metrics of ``recs`` (one row per ``prepared.eval_rows`` user)."""
    return ranking_metrics.evaluate(recs, prepared.truth[prepared.eval_rows], prepared.train.binary(), k)


def compare(prepared: Prepared, models: Mapping[str, Mapping[str, Any]], k: int, seed: int,
            filter_already_liked: bool = True) -> tuple[pd.DataFrame, dict[str, Recommender]]:
    """Fit and evaluate ``models`` (name -> all its params).

    Returns (table indexed by model with the metrics and ``fit_seconds``, the fitted models).
    """
    rows, fitted = [], {}
    for name, params in models.items():
        model = make_model(name, dict(params), seed).fit(prepared.train.user_items)
        recs, _ = model.recommend(prepared.eval_rows, prepared.train.user_items, k,
                                  filter_already_liked=filter_already_liked)
        rows.append({"model": name, **evaluate_lists(recs, prepared, k), "fit_seconds": model.fit_seconds})
        fitted[name] = model
    return pd.DataFrame(rows).set_index("model"), fitted


def oracle_scores_ndcg(scores: np.ndarray, prepared: Prepared, k: int) -> dict[str, float]:
    """Evaluate a given (eval users x items) score matrix, e.g. the planted true tastes, like any model."""
    from experiments.recommend.models import top_n

    recs, _ = top_n(scores, k, prepared.train.user_items[prepared.eval_rows])
    return evaluate_lists(recs, prepared, k)
