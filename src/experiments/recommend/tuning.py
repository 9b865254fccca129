"""A small hyper-parameter search on a validation split carved out of the TRAINING interactions only.

``validation_split(split, fraction, seed)`` splits ``split.train`` again the same way (time or random), so the
test pairs are never looked at while choosing parameters. ``search(prepared_val, grids, k)`` fits every combination
of each model's grid (``{"als": {"factors": [32, 64], ...}}``) and returns the table of validation scores; ``best``
picks each model's combination with the highest validation NDCG@k (ties: the first, i.e. the cheaper settings when
grids list them in increasing order).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from experiments.recommend.evaluate import Prepared, compare
from experiments.recommend.splits import Split, make_split

SMALL_GRID: dict[str, dict[str, list]] = {
    "als": {"factors": [16, 32], "regularization": [100.0], "alpha": [5.0, 20.0], "iterations": [15]},
    "bpr": {"factors": [32], "learning_rate": [0.01], "regularization": [0.01], "iterations": [30, 100]},
    "itemknn": {"similarity": ["cosine", "bm25"], "K": [50]},
}
LARGE_GRID: dict[str, dict[str, list]] = {
    "als": {"factors": [16, 32, 64, 128], "regularization": [0.1, 1.0, 10.0, 100.0], "alpha": [1.0, 5.0, 20.0],
            "iterations": [15, 30]},
    "bpr": {"factors": [32, 64, 128], "learning_rate": [0.01, 0.05, 0.1], "regularization": [0.001, 0.01],
            "iterations": [25, 50, 100, 200, 400]},
    "itemknn": {"similarity": ["cosine", "bm25"], "K": [20, 50, 100, 200]},
}
GRIDS = {"small": SMALL_GRID, "large": LARGE_GRID}


def validation_split(split: Split, fraction: float, seed: int, engine=None) -> Split:  # noqa: ANN001
    """Return a split of ``split.train`` alone (same kind, on ``engine`` when given), for choosing parameters
    without the test pairs."""
    return make_split(split.train, split.kind, fraction, seed, engine)


def combinations(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Return every combination of ``grid`` (name -> list of values) as a list of dicts, in grid order."""
    keys = list(grid)
    values = [v if isinstance(v, list | tuple) else [v] for v in grid.values()]
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*values)]


def search(prepared: Prepared, grids: Mapping[str, Mapping[str, Sequence[Any]]], k: int,
           seed: int) -> pd.DataFrame:
    """Fit every combination of every model's grid on ``prepared`` (a validation split) and return one row per fit:
    model, params (text), settings (the dict), each parameter as ``p_<name>``, validation ``ndcg_at_k``,
    ``precision_at_k``, ``recall_at_k`` and ``fit_seconds``."""
    rows = []
    for name, grid in grids.items():
        for params in combinations(grid):
            table, _ = compare(prepared, {name: params}, k=k, seed=seed)
            r = table.loc[name]
            rows.append({"model": name, "params": _label(params), "settings": dict(params),
                         **{f"p_{p}": v for p, v in params.items()},
                         "ndcg_at_k": r["ndcg_at_k"], "precision_at_k": r["precision_at_k"],
                         "recall_at_k": r["recall_at_k"], "fit_seconds": r["fit_seconds"]})
    return pd.DataFrame(rows)


def best(results: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Return each model's parameters with the highest validation NDCG@k (first on ties)."""
    out: dict[str, dict[str, Any]] = {}
    for name, grp in results.groupby("model", sort=False):
        row = grp.loc[grp["ndcg_at_k"].idxmax()]
        out[str(name)] = dict(row["settings"])
    return out


def _label(params: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())
