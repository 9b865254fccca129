"""CUPED: variance reduction with a pre-experiment covariate (Deng, Xu, Kohavi & Walker 2013, WSDM,
"Improving the Sensitivity of Online Controlled Experiments by Utilizing Pre-Experiment Data").

    Y_cuped = Y - theta * (X - mean(X)),   theta = Cov(Y, X) / Var(X)

theta is estimated on all units pooled (not per arm), so the adjustment is independent of the assignment and the
difference of adjusted means stays unbiased. Var(Y_cuped) = Var(Y) (1 - rho^2), so the interval narrows by about
sqrt(1 - rho^2), rho being the correlation of the outcome with its pre-period value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.abtest.engine_steps import Moments, arm_stats
from experiments.abtest.frequentist import Comparison, compare_moments, welch_moments
from experiments.abtest.prepare import is_binary
from experiments.common.errors import DataInputError


@dataclass
class CupedResult:
    """Raw and CUPED-adjusted comparisons of one metric, with theta and the variance reduction achieved."""

    raw: Comparison
    adjusted: Comparison
    theta: float
    correlation: float
    variance_reduction: float

    @property
    def ci_width_ratio(self) -> float:
        """Adjusted interval width / raw interval width (below 1 means CUPED narrowed it)."""
        raw = self.raw.ci_high - self.raw.ci_low
        return float((self.adjusted.ci_high - self.adjusted.ci_low) / raw) if raw > 0 else float("nan")


def theta(y: np.ndarray | pd.Series, x: np.ndarray | pd.Series) -> float:
    """Return Cov(Y, X) / Var(X) (0 when X is constant). Reference: Deng et al. (2013), eq. 3."""
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    vx = x.var(ddof=1)
    return float(np.cov(y, x, ddof=1)[0, 1] / vx) if vx > 0 else 0.0


def adjust(y: np.ndarray | pd.Series, x: np.ndarray | pd.Series, th: float | None = None) -> np.ndarray:
    """Return the CUPED-adjusted outcome Y - theta (X - mean X); theta pooled over all units unless given."""
    y, x = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
    th = theta(y, x) if th is None else th
    return y - th * (x - x.mean())


def cuped_compare(df: pd.DataFrame, metric: str, pre_col: str, *, variant_col: str, control_label: str,
                  variant: str, alpha: float = 0.05, one_sided: bool = False,
                  arms: Mapping[str, Moments] | None = None) -> CupedResult:
    """Compare ``metric`` raw (z or Welch, as ``frequentist.compare``) and CUPED-adjusted (Welch on Y_cuped).

    Computed from the arms' moments (``arms``: ``engine_steps.arm_moments`` of ``metric`` and ``pre_col``, as
    ``analysis.run`` passes them; from ``df`` in memory when not given): theta = Cov(Y, X) / Var(X) on both arms
    pooled, and per arm mean(Y_cuped) = mean(Y) - theta (mean(X) - pooled mean(X)),
    Var(Y_cuped) = Var(Y) + theta^2 Var(X) - 2 theta Cov(Y, X).
    """
    if pre_col not in df.columns:
        raise DataInputError(f"cuped: pre-period column {pre_col!r} not found; found {list(map(str, df.columns))}")
    kind = "proportion" if is_binary(df[metric]) else "mean"
    if arms is None:
        both = df[df[variant_col].astype(str).isin([str(variant), str(control_label)])]
        arms = arm_stats(both, [metric, pre_col], variant_col)
    t, c = arms[str(variant)], arms[str(control_label)]
    pooled = Moments.pool([t, c])
    vx, vy, cxy = pooled.var(pre_col), pooled.var(metric), pooled.cov(metric, pre_col)
    th = cxy / vx if vx > 0 else 0.0

    def adjusted(m: Moments) -> tuple[float, float]:
        return (m.avg(metric) - th * (m.avg(pre_col) - pooled.avg(pre_col)),
                m.var(metric) + th**2 * m.var(pre_col) - 2 * th * m.cov(metric, pre_col))

    raw = compare_moments(arms, metric, kind=kind, control_label=control_label, variant=variant, alpha=alpha,
                          one_sided=one_sided)
    (mt, var_t), (mc, var_c) = adjusted(t), adjusted(c)
    adjusted_cmp = welch_moments(mt, var_t, t.n, mc, var_c, c.n, alpha=alpha, one_sided=one_sided, metric=metric,
                                 variant=variant, control=control_label)
    rho = cxy / np.sqrt(vy * vx) if vy > 0 and vx > 0 else 0.0
    var_adj = vy + th**2 * vx - 2 * th * cxy
    reduction = 1 - var_adj / vy if vy > 0 else 0.0
    return CupedResult(raw, adjusted_cmp, float(th), float(rho), float(reduction))
