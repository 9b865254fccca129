"""Heavy-tailed money metrics: capping at a percentile, and quantile comparisons with bootstrap intervals.

- Capping (winsorising) ``cap_percentile``: every numeric (not 0/1) metric is capped at its ``cap_percentile``-th
  percentile, computed on both arms pooled (the threshold does not depend on the assignment, so the capped
  difference stays an unbiased estimate of the capped metric's effect). It is applied before CUPED and every test,
  trading a little bias in the mean for much less variance (Kohavi, Tang & Xu 2020, ch. 22).
- Quantile comparison ``quantiles`` (e.g. the median and p90): the difference of the treatment's and the control's
  sample quantile with a percentile-bootstrap interval (Efron & Tibshirani 1993, ch. 13), each arm resampled
  independently, seeded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def cap(data: pd.DataFrame, metrics: Sequence[str], percentile: float) -> tuple[pd.DataFrame, dict[str, float]]:
    """Return ``data`` with each of ``metrics`` capped at its pooled ``percentile``-th percentile, and the caps.

    ``percentile`` 0 (or 100) means no capping: the frame is returned as is with no caps.
    """
    if not 0 < percentile < 100 or not metrics:
        return data, {}
    out = data.copy()
    caps = {}
    for m in metrics:
        caps[m] = float(np.percentile(out[m].to_numpy(float), percentile))
        out[m] = np.minimum(out[m].to_numpy(float), caps[m])
    return out, caps


def quantile_comparison(y_t: np.ndarray, y_c: np.ndarray, quantiles: Sequence[float], *, alpha: float = 0.05,
                        n_boot: int = 400, seed: int = 42) -> pd.DataFrame:
    """Return one row per quantile q: control and treatment sample quantiles, their difference and the
    percentile-bootstrap (1 - alpha) interval of the difference (``n_boot`` resamples of each arm)."""
    yt, yc = np.asarray(y_t, dtype=float), np.asarray(y_c, dtype=float)
    qs = np.asarray(quantiles, dtype=float)
    rng = np.random.default_rng(seed)
    boot = np.empty((n_boot, len(qs)))
    for b in range(n_boot):  # one replicate per iteration: memory stays O(n), not O(n_boot * n)
        boot[b] = np.quantile(yt[rng.integers(0, len(yt), len(yt))], qs) - np.quantile(
            yc[rng.integers(0, len(yc), len(yc))], qs)
    lo, hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2], axis=0)
    q_t, q_c = np.quantile(yt, qs), np.quantile(yc, qs)
    return pd.DataFrame({"quantile": qs, "control": q_c, "treatment": q_t, "diff": q_t - q_c, "ci_low": lo,
                         "ci_high": hi})


def quantile_key(q: float) -> str:
    """``0.5`` -> ``q50``, ``0.9`` -> ``q90``, ``0.995`` -> ``q99_5`` (metrics.json key part)."""
    text = f"{q * 100:.4g}"
    return "q" + text.replace(".", "_")
