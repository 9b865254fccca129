"""CUPED: variance reduction with a pre-experiment covariate (Deng, Xu, Kohavi & Walker 2013, WSDM,
"Improving the Sensitivity of Online Controlled Experiments by Utilizing Pre-Experiment Data").

    Y_cuped = Y - theta * (X - mean(X)),   theta = Cov(Y, X) / Var(X)

theta is estimated on all units pooled (not per arm), so the adjustment is independent of the assignment and the
difference of adjusted means stays unbiased. Var(Y_cuped) = Var(Y) (1 - rho^2), so the interval narrows by about
sqrt(1 - rho^2), rho being the correlation of the outcome with its pre-period value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.abtest.frequentist import Comparison, compare, welch
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
                  variant: str, alpha: float = 0.05, one_sided: bool = False) -> CupedResult:
    """Compare ``metric`` raw (z or Welch, as ``frequentist.compare``) and CUPED-adjusted (Welch on Y_cuped)."""
    if pre_col not in df.columns:
        raise DataInputError(f"cuped: pre-period column {pre_col!r} not found; found {list(map(str, df.columns))}")
    both = df[df[variant_col].astype(str).isin([str(variant), str(control_label)])]
    y, x = both[metric].to_numpy(float), both[pre_col].to_numpy(float)
    th = theta(y, x)
    y_adj = adjust(y, x, th)
    is_t = (both[variant_col].astype(str) == str(variant)).to_numpy()
    raw = compare(df, metric, variant_col=variant_col, control_label=control_label, variant=variant, alpha=alpha,
                  one_sided=one_sided)
    adjusted = welch(y_adj[is_t], y_adj[~is_t], alpha=alpha, one_sided=one_sided, metric=metric, variant=variant,
                     control=control_label)
    rho = float(np.corrcoef(y, x)[0, 1]) if y.std() > 0 and x.std() > 0 else 0.0
    reduction = 1 - y_adj.var(ddof=1) / y.var(ddof=1) if y.var(ddof=1) > 0 else 0.0
    return CupedResult(raw, adjusted, th, rho, float(reduction))
