"""One interface for every recommender: ``fit(user_items)`` then ``recommend(rows, user_items, n)`` for many users.

``user_items`` is always the CSR users x items matrix of ``matrix.InteractionMatrix`` (implicit 0.7's layout for
both ``fit`` and ``recommend``). ``recommend`` takes an array of user rows and returns an (n_rows x n) array of item
columns in rank order, ``-1`` padding lists shorter than ``n`` (fewer unseen items than ``n``), plus their scores.

- ``als``: ``implicit.cpu.als.AlternatingLeastSquares`` (Hu, Koren & Volinsky 2008), confidence ``1 + alpha * r``:
  implicit 0.7 multiplies the matrix by ``alpha`` itself;
- ``bpr``: ``implicit.cpu.bpr.BayesianPersonalizedRanking`` (Rendle et al. 2009);
- ``itemknn``: implicit's ``CosineRecommender`` or ``BM25Recommender`` (``similarity`` = ``cosine``/``bm25``),
  scored here in sparse batches as ``user_items @ similarity`` (implicit's own batch call loops per user);
- ``popular``: items by number of training users; ``random``: a seeded random order per user.

Both matrix factorisation models are called batched (``model.recommend(array_of_rows, user_items[rows])``), with
``filter_already_liked_items`` as asked. Set ``OPENBLAS_NUM_THREADS=1`` (``ensure_single_thread_blas``): implicit
warns otherwise and ALS runs several times slower when OpenBLAS threads fight implicit's own.
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

MODEL_NAMES = ("als", "bpr", "itemknn", "popular", "random")


def ensure_single_thread_blas() -> bool:
    """Set OPENBLAS_NUM_THREADS=1 for this process when unset (return True if the threadpool was limited).

    Also imports tqdm's notebook shim once with its ipywidgets warning silenced (implicit imports ``tqdm.auto``).
    """
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import implicit  # noqa: F401
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, "blas")
        return True
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return False


def top_n(scores: np.ndarray, n: int, exclude: sp.csr_matrix | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return the columns of the ``n`` highest ``scores`` per row (rank order) and their scores.

    Cells non-zero in ``exclude`` (same shape) are never returned; rows with fewer than ``n`` allowed items are
    padded with -1 (score -inf). Ties break by the lower column.
    """
    s = np.array(scores, dtype=np.float64, copy=True)
    if exclude is not None:
        ex = sp.csr_matrix(exclude)
        rows = np.repeat(np.arange(ex.shape[0]), np.diff(ex.indptr))
        s[rows, ex.indices] = -np.inf
    n_eff = min(n, s.shape[1])
    # stable ordering: sort by (-score, column)
    part = np.argsort(-s, axis=1, kind="stable")[:, :n_eff]
    top = np.take_along_axis(s, part, axis=1)
    ids = np.where(np.isfinite(top), part, -1)
    if n_eff < n:
        ids = np.hstack([ids, np.full((s.shape[0], n - n_eff), -1)])
        top = np.hstack([top, np.full((s.shape[0], n - n_eff), -np.inf)])
    return ids.astype(np.int64), top


@dataclass
class Recommender:
    """A named model with its parameters; ``fit`` then ``recommend`` (see the module docstring)."""

    name: str
    params: dict[str, Any]
    seed: int
    fit_seconds: float = 0.0
    model: Any = None
    popularity: np.ndarray | None = None

    def fit(self, user_items: sp.csr_matrix) -> Recommender:
        """Fit on ``user_items`` (CSR, users x items) and return self; records ``fit_seconds``.

        ``params`` must hold every parameter of the model (no defaults here: they are the notebook's, see
        ``config.Config.model_params``); a missing one is a ``ValueError`` naming it.
        """
        try:
            return self._fit(user_items)
        except KeyError as err:
            raise ValueError(f"model {self.name!r} needs parameter {err}; pass the notebook's model parameters "
                             "(recommend.Config.model_params)") from None

    def _fit(self, user_items: sp.csr_matrix) -> Recommender:
        ensure_single_thread_blas()
        user_items = sp.csr_matrix(user_items, dtype=np.float32)
        t0 = time.perf_counter()
        p = self.params
        self.popularity = np.diff(user_items.tocsc().indptr).astype(np.float64)
        if self.name == "als":
            from implicit.cpu.als import AlternatingLeastSquares

            self.model = AlternatingLeastSquares(factors=int(p["factors"]), regularization=float(p["regularization"]),
                                                 alpha=float(p["alpha"]), iterations=int(p["iterations"]),
                                                 random_state=self.seed, num_threads=1)
            self.model.fit(user_items, show_progress=False)
        elif self.name == "bpr":
            from implicit.cpu.bpr import BayesianPersonalizedRanking

            self.model = BayesianPersonalizedRanking(factors=int(p["factors"]), learning_rate=float(p["learning_rate"]),
                                                     regularization=float(p["regularization"]),
                                                     iterations=int(p["iterations"]), random_state=self.seed,
                                                     num_threads=1)
            self.model.fit(user_items, show_progress=False)
        elif self.name == "itemknn":
            from implicit.nearest_neighbours import BM25Recommender, CosineRecommender

            sim = p["similarity"]
            if sim == "cosine":
                self.model = CosineRecommender(K=int(p["K"]), num_threads=1)
            elif sim == "bm25":  # K1 and B: implicit's own defaults unless given
                bm25 = {key: float(p[key]) for key in ("K1", "B") if key in p}
                self.model = BM25Recommender(K=int(p["K"]), num_threads=1, **bm25)
            else:
                raise ValueError(f"itemknn similarity must be 'cosine' or 'bm25', got {sim!r}")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.model.fit(user_items, show_progress=False)
        elif self.name not in ("popular", "random"):
            raise ValueError(f"unknown model {self.name!r}; expected one of {', '.join(MODEL_NAMES)}")
        self.fit_seconds = time.perf_counter() - t0
        return self

    def scores(self, rows: np.ndarray, user_items: sp.csr_matrix) -> np.ndarray:
        """Return the dense (len(rows) x n_items) score matrix (higher is better) for ``rows`` of ``user_items``."""
        n_items = user_items.shape[1]
        if self.name in ("als", "bpr"):
            return np.asarray(self.model.user_factors[rows] @ self.model.item_factors.T, dtype=np.float64)
        if self.name == "itemknn":
            return np.asarray((user_items[rows] @ self.model.similarity).toarray(), dtype=np.float64)
        if self.name == "popular":
            # ties broken by column order through top_n's stable sort
            return np.broadcast_to(self.popularity, (len(rows), n_items)).copy()
        rng = np.random.default_rng([self.seed, len(rows)])
        return rng.random((len(rows), n_items))

    def _implicit_unseen(self, rows: np.ndarray, user_items: sp.csr_matrix, n: int) -> tuple[np.ndarray, np.ndarray]:
        """implicit's batched ``recommend`` without its per-user filter, then bought items dropped vectorised.

        implicit 0.7.3's ``filter_already_liked_items=True`` slices the CSR once per user in Python (13 s for
        50,000 users here, against 0.5 s unfiltered); asking for ``n`` + the longest history of the batch and
        dropping bought items gives the same lists (tested against the filtered call).
        """
        seen = user_items[rows]
        extra = int(np.diff(seen.indptr).max(initial=0))
        want = min(n + extra, user_items.shape[1])
        ids, sc = self.model.recommend(rows, seen, N=want, filter_already_liked_items=False)
        ids, sc = _pad(np.asarray(ids, dtype=np.int64), np.asarray(sc, dtype=np.float64), want)
        return drop_seen(ids, sc, seen, n)

    def recommend(self, rows: np.ndarray, user_items: sp.csr_matrix, n: int = 10, filter_already_liked: bool = True,
                  batch: int = 4096) -> tuple[np.ndarray, np.ndarray]:
        """Return (item columns, scores), each (len(rows) x n), for many users at once.

        ``user_items`` is the full users x items training matrix; ``filter_already_liked`` drops each user's own
        items. ALS and BPR go through implicit's batched ``recommend``; the others score in batches of ``batch``.
        """
        rows = np.asarray(rows, dtype=np.int64)
        user_items = sp.csr_matrix(user_items, dtype=np.float32)
        if self.name in ("als", "bpr") and not filter_already_liked:
            ids, sc = self.model.recommend(rows, user_items[rows], N=min(n, user_items.shape[1]),
                                           filter_already_liked_items=False)
            return _pad(np.asarray(ids, dtype=np.int64), np.asarray(sc, dtype=np.float64), n)
        out_ids, out_sc = [], []
        for start in range(0, len(rows), batch):
            part = rows[start:start + batch]
            if self.name in ("als", "bpr"):
                ids, sc = self._implicit_unseen(part, user_items, n)
            else:
                s = self.scores(part, user_items)
                ids, sc = top_n(s, n, user_items[part] if filter_already_liked else None)
            out_ids.append(ids)
            out_sc.append(sc)
        if not out_ids:
            return np.empty((0, n), dtype=np.int64), np.empty((0, n))
        return np.vstack(out_ids), np.vstack(out_sc)


def _pad(ids: np.ndarray, sc: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Mark implicit's filler entries as -1 and pad to ``n`` columns."""
    sc = np.where(np.isfinite(sc), sc, -np.inf)
    ids = np.where(sc > -np.finfo(np.float32).max / 2, ids, -1)
    if ids.shape[1] < n:
        ids = np.hstack([ids, np.full((len(ids), n - ids.shape[1]), -1)])
        sc = np.hstack([sc, np.full((len(sc), n - sc.shape[1]), -np.inf)])
    return ids, sc


def drop_seen(ids: np.ndarray, scores: np.ndarray, seen: sp.csr_matrix, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Remove from each ranked row of ``ids`` the items non-zero in the same row of ``seen``; keep the first ``n``."""
    coo = seen.tocoo()
    width = max(seen.shape[1], 1)
    keys = coo.row.astype(np.int64) * width + coo.col
    row_keys = np.arange(ids.shape[0], dtype=np.int64)[:, None] * width + ids
    ok = (ids >= 0) & ~np.isin(row_keys, keys)
    order = np.argsort(~ok, axis=1, kind="stable")[:, :n]
    kept = np.take_along_axis(ok, order, axis=1)
    out_ids = np.where(kept, np.take_along_axis(ids, order, axis=1), -1)
    out_sc = np.where(kept, np.take_along_axis(scores, order, axis=1), -np.inf)
    return _pad(out_ids, out_sc, n)


def make_model(name: str, params: dict[str, Any], seed: int) -> Recommender:
    """Return an unfitted ``Recommender`` ``name`` (one of ``MODEL_NAMES``) with its ``params`` (all of them)."""
    if name not in MODEL_NAMES:
        raise ValueError(f"unknown model {name!r}; expected one of {', '.join(MODEL_NAMES)}")
    return Recommender(name=name, params=dict(params), seed=seed)
