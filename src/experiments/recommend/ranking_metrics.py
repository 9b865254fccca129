"""Top-k ranking metrics, computed by our own vectorised functions.

Inputs everywhere: ``recs``, an (n_users x k) integer array of recommended item columns in rank order (``-1`` pads a
list shorter than k), and ``truth``, a users x items sparse matrix whose non-zeros are each user's relevant
(held-out) items, with the SAME row order as ``recs``. Accuracy metrics average over users with at least one
relevant item (the convention of microsoft/recommenders' ``python_evaluation``).

- precision@k = hits / k (not / min(k, n_relevant), which is what ``implicit.evaluation.precision_at_k`` computes);
- recall@k = hits / n_relevant;
- MAP@k: AP@k = sum over hit ranks r of precision@r, divided by min(k, n_relevant) (Manning et al. 2008, ch. 8;
  the ``apk`` of Kaggle's ml_metrics);
- NDCG@k: binary gains, DCG = sum 1 / log2(rank + 1), divided by the DCG of min(k, n_relevant) hits at the top
  (Järvelin & Kekäläinen 2002);
- coverage: share of the catalogue recommended to at least one user;
- novelty: mean self-information -log2(p(i)) of the recommended items, p(i) = share of training users who
  interacted with i (an item nobody had counts as one user) (Castells, Vargas & Zhou 2011);
- intra-list diversity: mean over users of the mean pairwise cosine distance 1 - cos(i, j) between the items of a
  list, items described by ``item_vectors`` (Ziegler et al. 2005).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

METRIC_NAMES = ("precision_at_k", "recall_at_k", "map_at_k", "ndcg_at_k", "coverage", "novelty", "diversity")


def hit_matrix(recs: np.ndarray, truth: sp.spmatrix) -> np.ndarray:
    """Return a boolean (n_users x k) array: is ``recs[u, r]`` a relevant item of user ``u``?"""
    recs = np.asarray(recs)
    truth = sp.csr_matrix(truth)
    if recs.shape[0] != truth.shape[0]:
        raise ValueError(f"recs has {recs.shape[0]} rows but truth has {truth.shape[0]} users")
    n_items = truth.shape[1]
    if truth.shape[0] * n_items <= 50_000_000:  # a dense 0/1 lookup: one gather, no sort of the keys
        dense = truth.toarray() != 0
        return dense[np.arange(recs.shape[0])[:, None], np.where(recs >= 0, recs, 0)] & (recs >= 0)
    coo = truth.tocoo()
    keys = np.sort(coo.row.astype(np.int64) * n_items + coo.col)
    rec_keys = np.arange(recs.shape[0], dtype=np.int64)[:, None] * n_items + recs
    found = np.isin(rec_keys, keys) & (recs >= 0)
    return found


def _relevant_counts(truth: sp.spmatrix) -> np.ndarray:
    return np.diff(sp.csr_matrix(truth).indptr)


def precision_at_k(recs: np.ndarray, truth: sp.spmatrix, k: int | None = None) -> float:
    """Mean over users with relevant items of (relevant items in the top k) / k."""
    k = recs.shape[1] if k is None else k
    hits, n_rel = hit_matrix(recs[:, :k], truth), _relevant_counts(truth)
    users = n_rel > 0
    return float(hits[users].sum(axis=1).mean() / k) if users.any() else float("nan")


def recall_at_k(recs: np.ndarray, truth: sp.spmatrix, k: int | None = None) -> float:
    """Mean over users with relevant items of (relevant items in the top k) / (number of relevant items)."""
    k = recs.shape[1] if k is None else k
    hits, n_rel = hit_matrix(recs[:, :k], truth), _relevant_counts(truth)
    users = n_rel > 0
    return float((hits[users].sum(axis=1) / n_rel[users]).mean()) if users.any() else float("nan")


def map_at_k(recs: np.ndarray, truth: sp.spmatrix, k: int | None = None) -> float:
    """Mean average precision at k: AP@k = sum_r precision@r * rel_r / min(k, n_relevant)."""
    k = recs.shape[1] if k is None else k
    hits, n_rel = hit_matrix(recs[:, :k], truth), _relevant_counts(truth)
    users = n_rel > 0
    if not users.any():
        return float("nan")
    h = hits[users].astype(np.float64)
    prec_at_r = np.cumsum(h, axis=1) / np.arange(1, k + 1)
    ap = (prec_at_r * h).sum(axis=1) / np.minimum(k, n_rel[users])
    return float(ap.mean())


def ndcg_at_k(recs: np.ndarray, truth: sp.spmatrix, k: int | None = None) -> float:
    """Mean NDCG@k with binary relevance: DCG / ideal DCG, discount 1 / log2(rank + 1)."""
    k = recs.shape[1] if k is None else k
    hits, n_rel = hit_matrix(recs[:, :k], truth), _relevant_counts(truth)
    users = n_rel > 0
    if not users.any():
        return float("nan")
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = (hits[users] * disc).sum(axis=1)
    ideal = np.cumsum(disc)[np.minimum(k, n_rel[users]) - 1]
    return float((dcg / ideal).mean())


def coverage(recs: np.ndarray, n_items: int) -> float:
    """Share of the ``n_items`` catalogue that appears in at least one list."""
    shown = np.unique(recs[recs >= 0])
    return float(len(shown) / n_items) if n_items else float("nan")


def item_popularity(train: sp.spmatrix) -> np.ndarray:
    """Number of distinct training users per item (column)."""
    return np.diff(sp.csc_matrix(train).indptr)


def novelty(recs: np.ndarray, train: sp.spmatrix) -> float:
    """Mean self-information -log2(users with i / all users) over every recommended item (in bits)."""
    n_users = train.shape[0]
    pop = np.maximum(item_popularity(train), 1)
    shown = recs[recs >= 0]
    return float(np.mean(-np.log2(pop[shown] / n_users))) if shown.size else float("nan")


def intra_list_diversity(recs: np.ndarray, item_vectors: sp.spmatrix | np.ndarray, batch: int = 2000,
                         dense_limit: int = 5000) -> float:
    """Mean over lists (of 2+ items) of the mean pairwise cosine distance between their items.

    ``item_vectors`` has one row per item (e.g. the items x users training matrix, or one-hot categories); an item
    with an all-zero vector has similarity 0 to everything. With at most ``dense_limit`` items the item x item
    cosine matrix is built once and looked up; otherwise sum_{i != j} cos(i, j) = ||sum_i v_i||^2 - sum_i ||v_i||^2
    on unit vectors, in batches of users. Both give the same number.
    """
    v = sp.csr_matrix(item_vectors, dtype=np.float64)
    norms = np.sqrt(np.asarray(v.multiply(v).sum(axis=1)).ravel())
    unit = sp.diags(np.where(norms > 0, 1.0 / np.where(norms > 0, norms, 1), 0.0)) @ v
    has = (norms > 0).astype(np.float64)
    filled = np.flatnonzero((recs >= 0).any(axis=0))
    recs = recs[:, :filled[-1] + 1] if filled.size else recs[:, :0]  # padding past the catalogue holds no item
    if v.shape[0] <= dense_limit:
        sim = (unit @ unit.T).toarray()
        # users x width x width pairs, in row blocks of at most ~16 million cells (k = 1000 would otherwise need
        # 8 MB per user)
        step = max(1, 16_000_000 // max(1, recs.shape[1] ** 2))
        parts = []
        for start in range(0, recs.shape[0], step):
            valid = recs[start:start + step] >= 0
            n = valid.sum(axis=1)
            r = np.where(valid, recs[start:start + step], 0)
            pair = sim[r[:, :, None], r[:, None, :]] * (valid[:, :, None] & valid[:, None, :])
            total = pair.sum(axis=(1, 2)) - (has[r] * valid).sum(axis=1)
            ok = n > 1
            parts.append(1.0 - total[ok] / (n[ok] * (n[ok] - 1)))
        vals = np.concatenate(parts) if parts else np.array([])
        return float(vals.mean()) if vals.size else float("nan")
    out = []
    for start in range(0, recs.shape[0], batch):
        r = recs[start:start + batch]
        valid = r >= 0
        n = valid.sum(axis=1)
        rows = np.repeat(np.arange(r.shape[0]), r.shape[1])[valid.ravel()]
        sel = sp.csr_matrix((np.ones(len(rows)), (rows, r[valid])), shape=(r.shape[0], v.shape[0]))
        s = sel @ unit
        sq = np.asarray(s.multiply(s).sum(axis=1)).ravel()
        self_sim = sel @ has
        pairs = n * (n - 1)
        ok = pairs > 0
        mean_sim = (sq[ok] - self_sim[ok]) / pairs[ok]
        out.append(1.0 - mean_sim)
    vals = np.concatenate(out) if out else np.array([])
    return float(vals.mean()) if vals.size else float("nan")


def evaluate(recs: np.ndarray, truth: sp.spmatrix, train: sp.spmatrix, k: int | None = None,
             item_vectors: sp.spmatrix | np.ndarray | None = None) -> dict[str, float]:
    """Return every metric of ``METRIC_NAMES`` for ``recs`` against ``truth`` (same users, same row order).

    Coverage and novelty use the lists of the users with relevant items only (the evaluated users); diversity uses
    ``item_vectors`` (default: the items x users training matrix, i.e. co-purchase similarity).
    """
    k = recs.shape[1] if k is None else k
    recs = recs[:, :k]
    users = _relevant_counts(truth) > 0
    vectors = sp.csr_matrix(train).T.tocsr() if item_vectors is None else item_vectors
    return {
        "precision_at_k": precision_at_k(recs, truth, k),
        "recall_at_k": recall_at_k(recs, truth, k),
        "map_at_k": map_at_k(recs, truth, k),
        "ndcg_at_k": ndcg_at_k(recs, truth, k),
        "coverage": coverage(recs[users], truth.shape[1]),
        "novelty": novelty(recs[users], train),
        "diversity": intra_list_diversity(recs[users], vectors),
    }
