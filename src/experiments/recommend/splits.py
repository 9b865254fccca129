"""Train/test splits of interactions that never leak a test (user, item) pair into training.

Both splits work on the distinct (user, item) pairs: a pair is either in training or in test, never both, so a
model cannot "predict" a test item it already saw (a repeat purchase of a training item is not a test target).

- ``time_split``: training holds what happened before a cut-off, test what happened from it on (the pair's
  first occurrence decides); only items seen in training can be recommended, so test pairs on new items are
  dropped (counted). Test users with no training history are the cold-start users, reported apart.
- ``engine_time_split``: ``time_split`` with its pair aggregation and filtering written once in SQL and run on the
  data engine (``experiments.data.engine``: DuckDB or Spark); ``engine_pairs``: the (user, item) interaction counts
  and summed weights on the engine. Both give the pandas results (tests/unit/test_engine_recommend.py).
- ``random_split``: per user, a ``test_fraction`` share of their distinct items (rounded, at least one kept in
  training; users with one item stay wholly in training), drawn with a seeded generator (the stratified split of
  microsoft/recommenders' ``python_stratified_split``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Split:
    """Interactions for training, the warm test pairs, the cold-start test pairs and what was dropped."""

    train: pd.DataFrame
    test: pd.DataFrame
    cold: pd.DataFrame
    kind: str
    cutoff: pd.Timestamp | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def cold_users(self) -> pd.Index:
        """Ids of test users without any training history."""
        return pd.Index(self.cold["user"].unique())


def isin(values: pd.Series, pool: pd.Series | pd.Index) -> np.ndarray:
    """Boolean array: is each of ``values`` in ``pool``? (a hash lookup; pandas' Arrow-string ``isin`` loops)."""
    return pd.Index(pd.unique(np.asarray(pool, dtype=object))).get_indexer(np.asarray(values, dtype=object)) >= 0


def _pairs(interactions: pd.DataFrame) -> pd.DataFrame:
    """Distinct (user, item) pairs with summed weight and first time (when present)."""
    agg: dict[str, str] = {}
    if "weight" in interactions.columns:
        agg["weight"] = "sum"
    if "time" in interactions.columns:
        agg["time"] = "min"
    if not agg:
        return interactions[["user", "item"]].drop_duplicates().reset_index(drop=True)
    return interactions.groupby(["user", "item"], sort=True, observed=True).agg(agg).reset_index()


def _times_and_cutoff(interactions: pd.DataFrame, test_fraction: float,
                      cutoff: pd.Timestamp | str | None) -> tuple[pd.Series, pd.Timestamp]:
    """The interaction times and the cut-off (given, or the time quantile leaving ``test_fraction`` after it)."""
    if "time" not in interactions.columns:
        raise ValueError("a time split needs a time column (time_col); use split='random' without one")
    t = pd.to_datetime(interactions["time"])
    if cutoff is None:
        if not 0 < test_fraction < 1:
            raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
        cutoff = t.quantile(1 - test_fraction)
    cutoff = pd.Timestamp(cutoff)
    if cutoff.tzinfo is None and t.dt.tz is not None:
        cutoff = cutoff.tz_localize(t.dt.tz)
    return t, cutoff


def time_split(interactions: pd.DataFrame, test_fraction: float,
               cutoff: pd.Timestamp | str | None = None) -> Split:
    """Split at ``cutoff`` (default: the time quantile leaving ``test_fraction`` of interactions after it).

    Training: every interaction before the cut-off (all rows, so quantities and recency still count). Test: the
    (user, item) pairs whose first occurrence is at or after it and that are not in training. Returns a ``Split``
    whose ``counts`` has ``test_pairs_new_item`` (pairs on items unseen in training, dropped) and ``cold_users``.
    """
    t, cutoff = _times_and_cutoff(interactions, test_fraction, cutoff)
    before = (t < cutoff).to_numpy()
    train = interactions.loc[before].reset_index(drop=True)
    later = _pairs(interactions.loc[~before])
    seen = pd.MultiIndex.from_frame(train[["user", "item"]])
    later = later[~pd.MultiIndex.from_frame(later[["user", "item"]]).isin(seen)]
    new_item = ~isin(later["item"], train["item"])
    later = later[~new_item]
    warm = isin(later["user"], train["user"])
    counts = {"test_pairs_new_item": int(new_item.sum()), "cold_users": int(later.loc[~warm, "user"].nunique())}
    return Split(train=train, test=later[warm].reset_index(drop=True), cold=later[~warm].reset_index(drop=True),
                 kind="time", cutoff=cutoff, counts=counts)


def random_split(interactions: pd.DataFrame, test_fraction: float, seed: int) -> Split:
    """Per user, hold out ``round(test_fraction * n)`` of their ``n`` distinct items (at least one stays in training).

    Seeded (same seed, same split). Training is every interaction of the kept pairs; test is the held-out pairs.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    pairs = _pairs(interactions)
    rng = np.random.default_rng(seed)
    pairs = pairs.assign(_key=rng.random(len(pairs))).sort_values(["user", "_key"], kind="stable")
    n = pairs.groupby("user", sort=False, observed=True)["item"].transform("size").to_numpy()
    rank = pairs.groupby("user", sort=False, observed=True).cumcount().to_numpy()
    n_test = np.minimum(np.floor(test_fraction * n + 0.5), n - 1)
    is_test = rank < n_test
    test = pairs.loc[is_test].drop(columns="_key").sort_values(["user", "item"]).reset_index(drop=True)
    test_keys = pd.MultiIndex.from_frame(test[["user", "item"]])
    in_test = pd.MultiIndex.from_frame(interactions[["user", "item"]]).isin(test_keys)
    train = interactions.loc[~in_test].reset_index(drop=True)
    empty = test.iloc[:0]
    return Split(train=train, test=test, cold=empty, kind="random", counts={"cold_users": 0})


def check_split(split: Split, source: str, part: str, fraction_param: str) -> None:
    """Raise ``DataInputError`` naming ``source`` and the parameter to change when ``split`` leaves nothing to learn
    from (no training interactions) or nothing to score (no held-out pair of a customer with training history on an
    item seen in training); ``part`` names the split (``test`` or ``validation``) and ``fraction_param`` its share."""
    from experiments.common.errors import DataInputError

    if split.train.empty:
        raise DataInputError(f"{source}: the {part} split ({split.kind}) leaves no interactions for training (every "
                             f"time is at or after the cut-off {split.cutoff}): with one distinct time a time split "
                             f"cannot work; use split='random' or a table with a longer history")
    if split.test.empty:
        hint = ("every held-out pair is a new customer or a new item" if split.kind == "time"
                else "no customer has more than one item")
        raise DataInputError(f"{source}: the {part} split ({split.kind}) holds out nothing that can be scored "
                             f"({hint}; {len(split.train)} training interactions); give more history per customer, "
                             f"raise {fraction_param} or change split")


def make_split(interactions: pd.DataFrame, kind: str, test_fraction: float, seed: int,
               engine=None) -> Split:  # noqa: ANN001 - data.engine.Engine
    """Return ``time_split`` or ``random_split`` by ``kind`` (``time`` or ``random``); with an ``engine`` the time
    split's filtering runs on it (``engine_time_split``, the same result)."""
    if kind == "time":
        if engine is not None:
            return engine_time_split(interactions, test_fraction, engine)
        return time_split(interactions, test_fraction)
    if kind == "random":
        return random_split(interactions, test_fraction, seed)
    raise ValueError(f"split must be 'time' or 'random', got {kind!r}")


PAIRS_SQL = """
SELECT u, i, COUNT(*) AS n{weight_sum}{time_min}
FROM x GROUP BY u, i ORDER BY u, i
"""

LATER_SQL = """
WITH later AS (SELECT u, i{weight_sum}, MIN(t) AS t FROM x WHERE t >= {cutoff} GROUP BY u, i),
     tp AS (SELECT DISTINCT u, i FROM x WHERE t < {cutoff}),
     ti AS (SELECT DISTINCT i FROM x WHERE t < {cutoff}),
     tu AS (SELECT DISTINCT u FROM x WHERE t < {cutoff}),
     fresh AS (SELECT later.* FROM later LEFT JOIN tp ON later.u = tp.u AND later.i = tp.i WHERE tp.i IS NULL)
SELECT fresh.*, ti.i IS NOT NULL AS known_item, tu.u IS NOT NULL AS warm
FROM fresh LEFT JOIN ti ON fresh.i = ti.i LEFT JOIN tu ON fresh.u = tu.u
ORDER BY fresh.u, fresh.i
"""


def _engine_input(interactions: pd.DataFrame) -> pd.DataFrame:
    """The columns the engine steps read: u, i, optional w (weight) and t (epoch microseconds)."""
    from experiments.data.engine import to_micros

    x = pd.DataFrame({"u": np.asarray(interactions["user"]), "i": np.asarray(interactions["item"])})
    if "weight" in interactions.columns:
        x["w"] = interactions["weight"].to_numpy(np.float64)
    if "time" in interactions.columns:
        x["t"] = to_micros(interactions["time"])
    return x


def _engine_output(out: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """Engine columns back to ``user``, ``item``, ``weight``, ``time`` in the dtypes of ``like``."""
    from experiments.data.engine import from_micros

    frame = pd.DataFrame({"user": out["u"].to_numpy(), "item": out["i"].to_numpy()})
    for col in ("user", "item"):
        frame[col] = frame[col].astype(like[col].dtype)
    if "weight" in like.columns:
        frame["weight"] = out["weight"].to_numpy(np.float64)
    if "time" in like.columns:
        frame["time"] = from_micros(out["t"], like["time"]).to_numpy()
        frame["time"] = frame["time"].astype(like["time"].dtype)
    return frame


def engine_pairs(interactions: pd.DataFrame, engine) -> pd.DataFrame:  # noqa: ANN001 - data.engine.Engine
    """The distinct (user, item) pairs on ``engine``: ``n`` rows, summed ``weight`` and first ``time`` (when present),
    sorted by user and item (the interaction counts and weights of the matrix)."""
    x = _engine_input(interactions)
    sql = PAIRS_SQL.format(weight_sum=", SUM(w) AS weight" if "w" in x else "",
                           time_min=", MIN(t) AS t" if "t" in x else "")
    out = engine.query(sql, {"x": x})
    frame = _engine_output(out, interactions)
    frame.insert(2, "n", out["n"].to_numpy(np.int64))
    return frame


def engine_time_split(interactions: pd.DataFrame, test_fraction: float, engine,  # noqa: ANN001
                      cutoff: pd.Timestamp | str | None = None) -> Split:
    """``time_split`` with its filtering on ``engine`` (later pairs, minus training pairs, minus unseen items,
    warm/cold users): the same ``Split`` as the pandas path."""
    from experiments.data.engine import to_micros

    t, cutoff = _times_and_cutoff(interactions, test_fraction, cutoff)
    c = int(to_micros(pd.Series([cutoff]))[0])
    x = _engine_input(interactions)
    out = engine.query(LATER_SQL.format(cutoff=c, weight_sum=", SUM(w) AS weight" if "w" in x else ""), {"x": x})
    later = _engine_output(out, interactions)
    known = out["known_item"].to_numpy(bool)
    warm = out["warm"].to_numpy(bool)
    train = interactions.loc[(t < cutoff).to_numpy()].reset_index(drop=True)
    counts = {"test_pairs_new_item": int((~known).sum()),
              "cold_users": int(later.loc[known & ~warm, "user"].nunique())}
    return Split(train=train, test=later[known & warm].reset_index(drop=True),
                 cold=later[known & ~warm].reset_index(drop=True), kind="time", cutoff=cutoff, counts=counts)
