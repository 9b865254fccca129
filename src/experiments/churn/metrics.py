"""Classification metrics for churn scores, with bootstrap intervals.

ROC-AUC is the Mann-Whitney statistic (ties count one half; Hanley & McNeil 1982); PR-AUC is average precision
(scikit-learn's step-wise definition); the Brier score is the mean squared error of the probability (Brier 1950);
lift in the top decile is the churn rate among the 10% highest scores divided by the overall churn rate. Intervals
are percentile bootstraps over customers (Efron & Tibshirani 1993), resampling the same rows for every model so
that differences between models are paired.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from scipy.stats import rankdata

Metric = Callable[[np.ndarray, np.ndarray], float]


def roc_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Return the ROC-AUC: the probability that a random churner scores above a random non-churner (ties 1/2)."""
    y = np.asarray(y).astype(bool)
    n1, n0 = int(y.sum()), int((~y).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(np.asarray(p, dtype=float))
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def pr_auc(y: np.ndarray, p: np.ndarray) -> float:
    """Return the average precision: sum over score thresholds of (recall gained) x (precision there), the
    step-wise area under the precision-recall curve (scikit-learn's ``average_precision_score``; tied scores form
    one threshold)."""
    y = np.asarray(y, float)
    n_pos = y.sum()
    if n_pos == 0 or n_pos == len(y):
        return float("nan")
    p = np.asarray(p, float)
    order = np.argsort(-p, kind="mergesort")
    ps, ys = p[order], y[order]
    last = np.r_[ps[1:] != ps[:-1], True]  # the last row of each tie group is a threshold
    tp = np.cumsum(ys)[last]
    seen = np.flatnonzero(last) + 1.0
    recall_gain = np.diff(np.r_[0.0, tp]) / n_pos
    return float(np.sum(recall_gain * tp / seen))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    """Return the Brier score: mean of (probability - outcome)^2; 0 is perfect, lower is better."""
    return float(np.mean((np.asarray(p, float) - np.asarray(y, float)) ** 2))


def top_share_lift(y: np.ndarray, p: np.ndarray, share: float = 0.1) -> float:
    """Return the churn rate among the ``share`` highest-scored rows (at least one row, ties broken by row order)
    divided by the overall churn rate."""
    y = np.asarray(y, float)
    k = max(1, int(np.ceil(share * len(y))))
    top = np.argsort(-np.asarray(p, float), kind="stable")[:k]
    base = y.mean()
    return float(y[top].mean() / base) if base > 0 else float("nan")


def top_decile_lift(y: np.ndarray, p: np.ndarray) -> float:
    """Return the lift in the top decile (``top_share_lift`` with share 0.1)."""
    return top_share_lift(y, p, 0.1)


METRICS: dict[str, Metric] = {"roc_auc": roc_auc, "pr_auc": pr_auc, "brier": brier,
                              "top_decile_lift": top_decile_lift}


def bootstrap_indices(n: int, n_boot: int, seed: int, y: np.ndarray | None = None) -> np.ndarray:
    """Return ``n_boot`` x ``n`` resampled row positions; with ``y`` each resample keeps the class counts
    (stratified), so every resample has both classes."""
    rng = np.random.default_rng(seed)
    if y is None:
        return rng.integers(0, n, size=(n_boot, n))
    y = np.asarray(y)
    parts = [np.flatnonzero(y == c) for c in np.unique(y)]
    return np.concatenate([idx[rng.integers(0, len(idx), size=(n_boot, len(idx)))] for idx in parts], axis=1)


BOOT_CELLS = 2_000_000
"""Resample cells (resamples x rows) ``bootstrap_metrics`` works on at once: its dozen temporaries of that size stay
near 200 MB however many test rows there are (500 resamples of 128,000 test customers at size xlarge would otherwise
hold about 8 GB at once)."""


def bootstrap_metrics(y: np.ndarray, p: np.ndarray, idx: np.ndarray) -> dict[str, np.ndarray]:
    """Return every metric of ``METRICS`` on each resample ``idx`` (rows of positions), vectorised over resamples.

    Same definitions as the scalar functions (ties included); resamples with a single class give NaN. Resamples are
    taken in blocks of at most ``BOOT_CELLS`` cells (each resample's figures depend on its own row only, so the
    result is the same as in one block).
    """
    step = max(1, BOOT_CELLS // max(1, idx.shape[1]))
    if idx.shape[0] <= step:
        return _bootstrap_block(y, p, idx)
    blocks = [_bootstrap_block(y, p, idx[i:i + step]) for i in range(0, idx.shape[0], step)]
    return {m: np.concatenate([b[m] for b in blocks]) for m in blocks[0]}


def _bootstrap_block(y: np.ndarray, p: np.ndarray, idx: np.ndarray) -> dict[str, np.ndarray]:
    ys, ps = np.asarray(y, float)[idx], np.asarray(p, float)[idx]
    rows, n = ys.shape
    n1 = ys.sum(axis=1)
    n0 = n - n1
    pos = np.arange(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        order = np.argsort(-ps, axis=1, kind="mergesort")  # one sort serves every metric
        po, yo = np.take_along_axis(ps, order, 1), np.take_along_axis(ys, order, 1)
        same = po[:, 1:] == po[:, :-1]
        first = np.concatenate([np.ones((rows, 1), bool), ~same], axis=1)
        last = np.concatenate([~same, np.ones((rows, 1), bool)], axis=1)
        start = np.maximum.accumulate(np.where(first, pos, 0), axis=1)
        end = np.minimum.accumulate(np.where(last, pos, n)[:, ::-1], axis=1)[:, ::-1]
        rank = n - (start + end) / 2.0  # ascending rank, ties averaged
        auc = ((rank * yo).sum(axis=1) - n1 * (n1 + 1) / 2) / (n1 * n0)
        tp = np.cumsum(yo, axis=1)
        at_last = np.where(last, tp, 0.0)
        prev = np.concatenate([np.zeros((rows, 1)), np.maximum.accumulate(at_last, axis=1)[:, :-1]], axis=1)
        ap = np.where(last, (tp - prev) * tp / (pos + 1), 0.0).sum(axis=1) / n1
        k = max(1, int(np.ceil(0.1 * n)))
        lift = yo[:, :k].mean(axis=1) / (n1 / n)  # order within exact ties may differ from the scalar function
    one_class = (n1 == 0) | (n0 == 0)
    auc[one_class] = np.nan
    ap[one_class] = np.nan
    return {"roc_auc": auc, "pr_auc": ap, "brier": ((ps - ys) ** 2).mean(axis=1), "top_decile_lift": lift}


def compare_models(y: np.ndarray, probas: Mapping[str, np.ndarray], *, n_boot: int = 500, seed: int = 42,
                   level: float = 0.95) -> pd.DataFrame:
    """Return one row per model: each metric with its bootstrap interval (``<metric>``, ``<metric>_low``,
    ``<metric>_high``), from the same stratified resamples for every model."""
    y = np.asarray(y)
    idx = bootstrap_indices(len(y), n_boot, seed, y)
    a = (1 - level) / 2
    rows = []
    for name, p in probas.items():
        p = np.asarray(p, float)
        boots = bootstrap_metrics(y, p, idx)
        row: dict[str, float | str] = {"model": name}
        for m, f in METRICS.items():
            row[m] = f(y, p)
            row[f"{m}_low"], row[f"{m}_high"] = np.nanquantile(boots[m], [a, 1 - a])
        rows.append(row)
    return pd.DataFrame(rows).set_index("model")


def paired_difference(y: np.ndarray, p_a: np.ndarray, p_b: np.ndarray, metric: Metric = roc_auc, *,
                      n_boot: int = 1000, seed: int = 42, level: float = 0.95) -> dict[str, float]:
    """Return ``metric(a) - metric(b)`` with a paired bootstrap interval and the share of resamples where a wins
    (``diff``, ``low``, ``high``, ``share_a_better``)."""
    y = np.asarray(y)
    idx = bootstrap_indices(len(y), n_boot, seed, y)
    name = next((k for k, f in METRICS.items() if f is metric), None)
    if name is not None:
        d = bootstrap_metrics(y, p_a, idx)[name] - bootstrap_metrics(y, p_b, idx)[name]
    else:
        d = np.array([metric(y[i], p_a[i]) - metric(y[i], p_b[i]) for i in idx])
    a = (1 - level) / 2
    low, high = np.nanquantile(d, [a, 1 - a])
    return {"diff": metric(y, p_a) - metric(y, p_b), "low": float(low), "high": float(high),
            "share_a_better": float(np.mean(d > 0))}


def gain_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Return the cumulative gain and lift by score decile (highest first): customers, churners, share of all
    churners found (``gain``) and ``lift`` = churn rate so far / overall churn rate."""
    y = np.asarray(y, float)
    order = np.argsort(-np.asarray(p, float), kind="stable")
    ys = y[order]
    edges = np.ceil(np.linspace(0, len(y), bins + 1)).astype(int)
    cum_n = edges[1:]
    cum_pos = np.concatenate([[0.0], np.cumsum(ys)])[cum_n]
    return pd.DataFrame({"share_contacted": cum_n / len(y), "customers": cum_n, "churners": cum_pos,
                         "gain": cum_pos / max(y.sum(), 1), "lift": (cum_pos / cum_n) / max(y.mean(), 1e-12)},
                        index=pd.RangeIndex(1, bins + 1, name="decile"))
