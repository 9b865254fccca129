"""The customer x item interaction matrix, with id maps that carry their own orientation.

``InteractionMatrix`` holds one CSR matrix whose ROWS are users and COLUMNS are items (the layout ``implicit`` 0.7
expects for both ``fit`` and ``recommend``), together with ``users`` and ``items``: the ids of the rows and of the
columns in order. The constructor refuses a matrix whose shape does not match the two id lists, so a transposed
matrix (items x users) cannot be paired with the maps silently; ``user_rows``/``item_cols`` translate ids to
positions and raise on unknown ids instead of returning a wrong position.

Weighting (``build_matrix``): each interaction counts 1 or its ``weight`` (quantity, rating), optionally multiplied
by an exponential recency decay ``0.5 ** (age_days / half_life)``; duplicate (user, item) pairs are summed; then
``scaling`` is ``none``, ``log`` (``log1p``) or ``bm25`` (Robertson & Zaragoza 2009, as in implicit's
``bm25_weight``: items are the documents, users the terms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

SCALINGS = ("none", "log", "bm25")


@dataclass(frozen=True)
class InteractionMatrix:
    """``user_items`` (CSR, users x items) plus the user ids of its rows and the item ids of its columns."""

    user_items: sp.csr_matrix
    users: pd.Index
    items: pd.Index

    def __post_init__(self) -> None:
        shape = self.user_items.shape
        if shape != (len(self.users), len(self.items)):
            raise ValueError(f"user_items has shape {shape} but there are {len(self.users)} users (rows) and "
                             f"{len(self.items)} items (columns); is the matrix transposed (items x users)?")
        if not sp.isspmatrix_csr(self.user_items) and not isinstance(self.user_items, sp.csr_array):
            raise TypeError(f"user_items must be a CSR matrix (users x items), got {type(self.user_items).__name__}")
        for name, ids in (("users", self.users), ("items", self.items)):
            if not ids.is_unique:
                raise ValueError(f"{name} ids are not unique: {list(ids[ids.duplicated()][:5])}")

    @property
    def n_users(self) -> int:
        """Number of rows (users)."""
        return len(self.users)

    @property
    def n_items(self) -> int:
        """Number of columns (items)."""
        return len(self.items)

    def user_rows(self, ids: Sequence | pd.Index | np.ndarray) -> np.ndarray:
        """Return the row of each user id; raises ``KeyError`` naming ids that are not users of this matrix."""
        pos = self.users.get_indexer(pd.Index(ids))
        if (pos < 0).any():
            missing = pd.Index(ids)[pos < 0]
            raise KeyError(f"{len(missing)} id(s) are not users (rows) of this matrix, e.g. {list(missing[:5])}")
        return pos

    def item_cols(self, ids: Sequence | pd.Index | np.ndarray) -> np.ndarray:
        """Return the column of each item id; raises ``KeyError`` naming ids that are not items of this matrix."""
        pos = self.items.get_indexer(pd.Index(ids))
        if (pos < 0).any():
            missing = pd.Index(ids)[pos < 0]
            raise KeyError(f"{len(missing)} id(s) are not items (columns) of this matrix, e.g. {list(missing[:5])}")
        return pos

    def value(self, user: object, item: object) -> float:
        """Return the weight of (``user``, ``item``), 0 when they did not interact."""
        return float(self.user_items[self.user_rows([user])[0], self.item_cols([item])[0]])

    def binary(self) -> sp.csr_matrix:
        """Return the 0/1 pattern of ``user_items`` (float32)."""
        out = self.user_items.copy().astype(np.float32)
        out.data[:] = 1.0
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return the non-zero cells as a long frame: user, item, weight."""
        coo = self.user_items.tocoo()
        return pd.DataFrame({"user": self.users[coo.row], "item": self.items[coo.col], "weight": coo.data})


def bm25(user_items: sp.csr_matrix, k1: float = 100.0, b: float = 0.8) -> sp.csr_matrix:
    """Return BM25-weighted ``user_items`` (CSR): each item column is a document, each user a term.

    Same formula as ``implicit.nearest_neighbours.bm25_weight`` applied to the items x users matrix:
    ``w * (k1 + 1) / (k1 * (1 - b + b * len_i / avg_len) + w) * log(N_items / df_u)``.
    """
    x = user_items.tocoo().astype(np.float64)
    n_items = user_items.shape[1]
    df_user = np.bincount(x.row, minlength=user_items.shape[0])
    idf = np.log(n_items) - np.log1p(df_user)
    item_len = np.asarray(user_items.sum(axis=0)).ravel()
    avg = item_len.mean() if item_len.size and item_len.mean() > 0 else 1.0
    norm = (1.0 - b) + b * item_len / avg
    data = x.data * (k1 + 1.0) / (k1 * norm[x.col] + x.data) * idf[x.row]
    return sp.csr_matrix((data.astype(np.float32), (x.row, x.col)), shape=user_items.shape)


CELLS_SQL = """
SELECT u, i, {total}(v) AS w FROM (SELECT u, i, {value} AS v FROM x) AS lines WHERE v > 0 GROUP BY u, i
"""
"""The matrix cells on the engine: each line's value (1 or its weight, times the recency decay), lines with a value
<= 0 left out, summed per (user, item)."""


def _reference_time(interactions: pd.DataFrame, as_of: pd.Timestamp | None) -> pd.Timestamp:
    """The time recency is measured from: ``as_of``, else the latest interaction."""
    if "time" not in interactions.columns:
        raise ValueError("recency weighting needs a 'time' column (time_col)")
    return pd.Timestamp(as_of) if as_of is not None else pd.to_datetime(interactions["time"]).max()


def engine_cells(interactions: pd.DataFrame, engine, *, use_weight: bool,  # noqa: ANN001 - data.engine.Engine
                 recency_half_life_days: float, as_of: pd.Timestamp | None) -> pd.DataFrame:
    """The summed cell value of every (user, item) on ``engine`` (``CELLS_SQL``): columns ``user``, ``item``,
    ``weight``; the same numbers as ``build_matrix``'s pandas path (1e-9 relative)."""
    from experiments.data.engine import exact_sum, to_micros
    from experiments.recommend.splits import _engine_input

    x = _engine_input(interactions)
    cols, value = ["u", "i"], "1.0"
    if use_weight and "w" in x:
        cols, value = [*cols, "w"], "w"
    if recency_half_life_days and recency_half_life_days > 0:
        ref = int(to_micros(pd.Series([_reference_time(interactions, as_of)]))[0])
        cols, value = [*cols, "t"], (f"{value} * POWER(0.5, GREATEST(({ref} - t) / 86400000000.0, 0.0) / "
                                     f"{float(recency_half_life_days)!r})")
    out = engine.query(CELLS_SQL.format(total=exact_sum(engine), value=value), {"x": x[cols]})
    return pd.DataFrame({"user": out["u"].to_numpy(), "item": out["i"].to_numpy(),
                         "weight": out["w"].to_numpy(np.float64)})


def build_matrix(interactions: pd.DataFrame, *, users: Sequence | pd.Index | None = None,
                 items: Sequence | pd.Index | None = None, use_weight: bool = True,
                 recency_half_life_days: float = 0.0, as_of: pd.Timestamp | None = None, scaling: str = "none",
                 bm25_k1: float = 100.0, bm25_b: float = 0.8, engine=None) -> InteractionMatrix:  # noqa: ANN001
    """Return the users x items ``InteractionMatrix`` of ``interactions`` (columns ``user``, ``item``, optional
    ``weight`` and ``time``).

    ``users``/``items`` fix the row/column ids (e.g. the training ids for a test matrix); interactions outside them
    are dropped. Without them the ids are the sorted distinct values. ``use_weight`` sums ``weight`` (else counts
    rows); ``recency_half_life_days`` > 0 decays each interaction by its age before ``as_of`` (default: the latest
    time); ``scaling`` is ``none``, ``log`` or ``bm25``. With an ``engine`` (``experiments.data.engine``) the
    per-line values and their sums per (user, item) run there (``engine_cells``); the matrix is the same.
    """
    for col in ("user", "item"):
        if col not in interactions.columns:
            raise ValueError(f"interactions need a '{col}' column; found {list(interactions.columns)}")
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {SCALINGS}, got {scaling!r}")
    u_index = pd.Index(users) if users is not None else pd.Index(np.sort(interactions["user"].unique()))
    i_index = pd.Index(items) if items is not None else pd.Index(np.sort(interactions["item"].unique()))
    if engine is not None:
        interactions = engine_cells(interactions, engine, use_weight=use_weight,
                                    recency_half_life_days=recency_half_life_days, as_of=as_of)
        use_weight, recency_half_life_days = True, 0.0
    rows = u_index.get_indexer(interactions["user"])
    cols = i_index.get_indexer(interactions["item"])
    w = (interactions["weight"].to_numpy(np.float64) if use_weight and "weight" in interactions.columns
         else np.ones(len(interactions)))
    if recency_half_life_days and recency_half_life_days > 0:
        ref = _reference_time(interactions, as_of)
        age = (ref - pd.to_datetime(interactions["time"])).dt.total_seconds().to_numpy() / 86400.0
        w = w * np.power(0.5, np.clip(age, 0, None) / recency_half_life_days)
    keep = (rows >= 0) & (cols >= 0) & (w > 0)
    m = sp.csr_matrix((w[keep], (rows[keep], cols[keep])), shape=(len(u_index), len(i_index)), dtype=np.float64)
    m.sum_duplicates()
    if scaling == "log":
        m.data = np.log1p(m.data)
    elif scaling == "bm25":
        m = bm25(m, bm25_k1, bm25_b)
    return InteractionMatrix(m.astype(np.float32).tocsr(), u_index, i_index)
