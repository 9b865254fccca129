"""MovieLens 100k (GroupLens ``ml-100k``) for the real-data checks: reading ``u.data`` and the two protocols.

``u.data`` is tab-separated ``user item rating unix_time`` without a header, so the flat-table loader cannot read it
as is: ``load_ratings`` does, and ``write_ratings_csv`` writes the same rows as a CSV with a header
(``user_id,item_id,rating,timestamp``) for the notebook's ``movielens`` profile.

Protocols (both k = 10, a per-user random split of the distinct (user, item) pairs):

- ``positives``: ratings >= 4 are the interactions, 75/25 per user (the issue's own protocol);
- ``recommenders``: every rating is an interaction, 75/25 per user (the protocol of microsoft/recommenders'
  published MovieLens 100k table, ``python_stratified_split`` at ratio 0.75).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from experiments.common.errors import DataInputError
from experiments.data import paths

PROTOCOLS: dict[str, dict[str, Any]] = {
    "positives": {"min_rating": 4, "test_fraction": 0.25, "k": 10},
    "recommenders": {"min_rating": None, "test_fraction": 0.25, "k": 10},
}


def data_file(folder: str | Path | None = None) -> Path:
    """Return ``ml-100k/u.data`` under ``folder`` (default: ``<datasets>/movielens_100k``)."""
    base = Path(folder) if folder else paths.datasets_dir() / "movielens_100k"
    return base / "ml-100k" / "u.data"


def load_ratings(folder: str | Path | None = None) -> pd.DataFrame:
    """Return the 100,000 ratings as columns user, item (strings), rating (int), time (UTC timestamps)."""
    path = data_file(folder)
    if not path.is_file():
        raise DataInputError(f"{path}: not found (MovieLens 100k; see ../shared/datasets/movielens_100k/README.md)")
    df = pd.read_csv(path, sep="\t", header=None, names=["user", "item", "rating", "ts"],
                     dtype={"user": str, "item": str, "rating": "int64", "ts": "int64"})
    df["time"] = pd.to_datetime(df.pop("ts"), unit="s", utc=True)
    return df


def write_ratings_csv(dest: str | Path, folder: str | Path | None = None) -> Path:
    """Write ``u.data`` as a headed CSV ``user_id,item_id,rating,timestamp`` (ISO UTC) to ``dest``; return it."""
    df = load_ratings(folder)
    out = pd.DataFrame({"user_id": df["user"], "item_id": df["item"], "rating": df["rating"],
                        "timestamp": df["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")})
    dest = paths.resolve(str(dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(dest, index=False)
    return dest


GRID: dict[str, dict[str, list]] = {
    "als": {"factors": [32, 64], "regularization": [0.1, 1.0], "alpha": [1.0, 5.0], "iterations": [15]},
    "bpr": {"factors": [64], "learning_rate": [0.005, 0.01], "regularization": [0.01], "iterations": [50, 100, 200]},
    "itemknn": {"similarity": ["cosine", "bm25"], "K": [50, 100]},
}
"""The search grid of the real-data check (validation split carved from the 75% training part)."""


def run_protocol(name: str, ratings: pd.DataFrame | None = None, grid: dict | None = None,
                 seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, dict[str, Any]]]:
    """Run protocol ``name`` of ``PROTOCOLS``: split, search ``grid`` on a validation split of the training part
    (same per-user 75/25 rule), then fit each model's best parameters on the training part and score the test.

    Returns (test table: one row per model with the ranking metrics, validation search table, chosen params).
    """
    from experiments.recommend import evaluate, tuning
    from experiments.recommend.splits import random_split

    cfg = PROTOCOLS[name]
    ratings = load_ratings() if ratings is None else ratings
    split = random_split(interactions(ratings, cfg["min_rating"]), cfg["test_fraction"], seed)
    weighting = evaluate.Weighting(use_weight=False, recency_half_life_days=0.0, scaling="none")
    val = evaluate.prepare(tuning.validation_split(split, cfg["test_fraction"], seed), weighting)
    search = tuning.search(val, GRID if grid is None else grid, cfg["k"], seed)
    chosen = {**{m: {} for m in ("popular", "random")}, **tuning.best(search)}
    table, _ = evaluate.compare(evaluate.prepare(split, weighting), chosen, cfg["k"], seed)
    return table, search, chosen


def interactions(ratings: pd.DataFrame, min_rating: float | None) -> pd.DataFrame:
    """Return the ratings at or above ``min_rating`` (all when None) as unweighted interactions user, item, time."""
    keep = ratings if min_rating is None else ratings[ratings["rating"] >= min_rating]
    return keep[["user", "item", "time"]].reset_index(drop=True)


if __name__ == "__main__":  # pragma: no cover - a convenience for the notebook profile and the README numbers
    import sys

    if len(sys.argv) > 1 and sys.argv[1] == "--protocols":
        pd.set_option("display.width", 200)
        for proto in PROTOCOLS:
            tab, _, chosen = run_protocol(proto)
            print(proto, chosen)
            print(tab.round(4).to_string())
    else:
        print(write_ratings_csv(sys.argv[1] if len(sys.argv) > 1 else "data/external/movielens_100k_ratings.csv"))
