"""CUPED for ratio metrics (CTR, CVR, CPA, ROAS) with a pre-period numerator and denominator, by the delta method.

Reference: Deng, Knoblich & Lu (2018), "Applying the Delta Method in Metric Analytics: A Practical Guide with Novel
Ideas", KDD, section 3.3 (variance reduction for ratio metrics); CUPED itself: Deng, Xu, Kohavi & Walker (2013).

A ratio metric of one arm is R = Ybar / Xbar (e.g. clicks over impressions, summed over units, the unit being the
independent draw); its pre-period counterpart is C = Ubar / Vbar (the same ratio before assignment). The delta method
linearises both around their means:

    R - r ~ mean(l),  l_i = (Y_i - R X_i) / Xbar;      C - c ~ mean(k),  k_i = (U_i - C V_i) / Vbar

so Var(R) ~ Var(l) / n, Cov(R, C) ~ Cov(l, k) / n, and the CUPED estimate of each arm is

    R_cv = R - theta (C - C_all),  theta = Cov(l, k) / Var(k)   (both on all units of the two arms pooled)
    Var(R_cv) ~ [Var(l) + theta^2 Var(k) - 2 theta Cov(l, k)] / n     (l, k linearised within the arm)

The difference R_cv,t - R_cv,c = (R_t - R_c) - theta (C_t - C_c) stays unbiased: C_t - C_c has mean 0 because the
pre-period is before assignment, and theta does not depend on it. Its variance shrinks by about the squared
correlation of l and k. tea-tasting's ``RatioOfMeans`` with ``numer_covariate`` / ``denom_covariate`` computes the
same estimator (tests compare the two to machine precision).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from experiments.abtest.engine_steps import Moments, arm_stats
from experiments.abtest.funnel import FUNNEL_COLS, RATIOS
from experiments.abtest.prepare import to_numeric, variant_order
from experiments.common.errors import DataInputError


@dataclass
class ArmMoments:
    """Delta-method moments of one arm (or of both pooled): the ratio, its pre-period ratio, the linearised
    variances and covariance per unit (divide by ``n`` for the variance of the ratio)."""

    n: int
    ratio: float
    pre_ratio: float
    var_l: float
    var_k: float
    cov_lk: float


def moments(y: np.ndarray, x: np.ndarray, u: np.ndarray, v: np.ndarray) -> ArmMoments:
    """Return the ``ArmMoments`` of numerator ``y`` over denominator ``x`` with pre-period ``u`` over ``v`` (arrays
    in memory: ``delta_moments`` of their ``Moments``)."""
    return delta_moments(Moments.of_arrays({"y": y, "x": x, "u": u, "v": v}), ("y", "x", "u", "v"))


def delta_moments(m: Moments, cols: Sequence[str]) -> ArmMoments:
    """The ``ArmMoments`` of an arm's ``Moments`` for ``cols`` = (numerator y, denominator x, pre-period numerator
    u, pre-period denominator v).

    Sample (ddof = 1) covariances of the linearised values l = (y - R x) / xbar and k = (u - C v) / vbar
    (Deng, Knoblich & Lu 2018, eq. 2 and its covariance analogue), expanded into the moments:
    Var(l) = [S_yy - 2 R S_xy + R^2 S_xx] / xbar^2, Var(k) likewise, Cov(l, k) = [S_yu - C S_yv - R S_xu
    + R C S_xv] / (xbar vbar). NaN moments when a denominator sums to 0.
    """
    y, x, u, v = cols
    n = m.n
    if n < 2 or m.sum(x) == 0 or m.sum(v) == 0:
        return ArmMoments(n, float("nan"), float("nan"), float("nan"), float("nan"), float("nan"))
    mx, mv = m.avg(x), m.avg(v)
    r, c = m.avg(y) / mx, m.avg(u) / mv
    var_l = (m.var(y) - 2 * r * m.cov(y, x) + r**2 * m.var(x)) / mx**2
    var_k = (m.var(u) - 2 * c * m.cov(u, v) + c**2 * m.var(v)) / mv**2
    cov_lk = (m.cov(y, u) - c * m.cov(y, v) - r * m.cov(x, u) + r * c * m.cov(x, v)) / (mx * mv)
    return ArmMoments(n, float(r), float(c), float(var_l), float(var_k), float(cov_lk))


@dataclass
class RatioCuped:
    """A ratio metric's treatment-minus-control difference, raw and CUPED-adjusted (delta method)."""

    ratio: str
    variant: str
    control: float  # CUPED-adjusted control ratio
    treatment: float  # CUPED-adjusted treatment ratio
    abs_lift: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    raw_abs_lift: float
    raw_se: float
    theta: float

    @property
    def rel_lift(self) -> float:
        """Adjusted treatment / adjusted control - 1."""
        return self.treatment / self.control - 1 if self.control else float("nan")

    @property
    def variance_reduction(self) -> float:
        """1 - Var(adjusted difference) / Var(raw difference)."""
        return 1 - (self.se / self.raw_se) ** 2 if self.raw_se > 0 else float("nan")


def ratio_cuped(treatment: Sequence[np.ndarray], control: Sequence[np.ndarray], *, ratio: str = "ratio",
                variant: str = "treatment", alpha: float = 0.05, one_sided: bool = False) -> RatioCuped:
    """CUPED-adjusted difference of a ratio metric between two arms, each given as (y, x, u, v) per-unit arrays:
    numerator, denominator, pre-period numerator, pre-period denominator (``ratio_cuped_moments`` of their
    ``Moments``)."""
    names = ("y", "x", "u", "v")
    t, c = (Moments.of_arrays(dict(zip(names, arm, strict=True))) for arm in (treatment, control))
    return ratio_cuped_moments(t, c, names, ratio=ratio, variant=variant, alpha=alpha, one_sided=one_sided)


def ratio_cuped_moments(t: Moments, c: Moments, cols: Sequence[str], *, ratio: str = "ratio",
                        variant: str = "treatment", alpha: float = 0.05, one_sided: bool = False) -> RatioCuped:
    """CUPED-adjusted difference of a ratio metric between two arms given by their ``Moments`` of ``cols`` =
    (numerator, denominator, pre-period numerator, pre-period denominator).

    theta is estimated on both arms pooled; the interval and p-value are normal (z), as the delta-method ratios of
    ``funnel.ratio_comparison``; one-sided means treatment > control.
    """
    pooled = delta_moments(Moments.pool([t, c]), cols)
    t, c = delta_moments(t, cols), delta_moments(c, cols)
    theta = pooled.cov_lk / pooled.var_k if pooled.var_k > 0 else 0.0

    def adjusted(m: ArmMoments) -> tuple[float, float]:
        value = m.ratio - theta * (m.pre_ratio - pooled.pre_ratio)
        var = (m.var_l + theta**2 * m.var_k - 2 * theta * m.cov_lk) / m.n
        return value, max(var, 0.0)

    (vt, var_t), (vc, var_c) = adjusted(t), adjusted(c)
    diff, se = vt - vc, math.sqrt(var_t + var_c)
    raw_se = math.sqrt(t.var_l / t.n + c.var_l / c.n)
    z = diff / se if se > 0 else float("nan")
    p = (stats.norm.sf(z) if one_sided else 2 * stats.norm.sf(abs(z))) if math.isfinite(z) else float("nan")
    crit = float(stats.norm.ppf(1 - (alpha if one_sided else alpha / 2)))
    return RatioCuped(ratio, str(variant), vc, vt, diff, se, diff - crit * se, diff + crit * se, z, float(p),
                      t.ratio - c.ratio, raw_se, float(theta))


def check_pre_cols(df: pd.DataFrame, pre_cols: Mapping[str, str], source: str = "input") -> pd.DataFrame:
    """Return ``df`` with the pre-period funnel columns (``{role: column}``) as numbers; raise ``DataInputError``
    for an unknown role, a missing column, or values that are not finite numbers (naming the column and rows)."""
    roles = sorted({r for pair in RATIOS.values() for r in pair})
    unknown = sorted(set(pre_cols) - set(roles))
    if unknown:
        raise DataInputError(f"{source}: pre_funnel_cols has unknown roles {unknown}; expected some of {roles}")
    missing = [col for col in pre_cols.values() if col not in df.columns]
    if missing:
        raise DataInputError(f"{source}: pre_funnel_cols names columns {missing} that the table does not have; "
                             f"found {list(map(str, df.columns))[:30]}")
    out = df.copy()
    for col in pre_cols.values():
        out[col] = to_numeric(out[col], col, source)
    return out


def ratio_cuped_columns(cols: Mapping[str, str], pre_cols: Mapping[str, str], present: Sequence[str],
                        ratios: Sequence[str] = ("ctr", "cvr", "cpa", "roas")) -> list[str]:
    """The columns ratio CUPED reads for ``ratios``: numerator, denominator and both pre-period columns of each ratio
    whose four columns are all in ``present``."""
    out: list[str] = []
    for name in ratios:
        num, den = RATIOS[name]
        needed = (cols.get(num), cols.get(den), pre_cols.get(num), pre_cols.get(den))
        if all(c is not None and c in present for c in needed):
            out += list(needed)
    return list(dict.fromkeys(out))


def ratio_cuped_table(df: pd.DataFrame, *, variant_col: str, control_label: str, pre_cols: Mapping[str, str],
                      cols: Mapping[str, str] | None = None, ratios: Sequence[str] = ("ctr", "cvr", "cpa", "roas"),
                      alpha: float = 0.05, one_sided: bool = False,
                      arms: Mapping[str, Moments] | None = None) -> pd.DataFrame:
    """CUPED for every ratio whose numerator and denominator both have a column (``cols``, role -> column) and a
    pre-period column (``pre_cols``, role -> column): one row per ratio and treatment variant.

    Columns: ratio, variant, control, treatment (adjusted ratios), abs_lift, ci_low, ci_high, rel_lift, p_value, se,
    raw_abs_lift, raw_se, theta, variance_reduction, ci_width_ratio. Empty when no ratio has both pre-period columns.
    From the variants' moments (``arms``: ``engine_steps.arm_moments``, as ``analysis.run`` passes them; from ``df``
    in memory when not given).
    """
    cols = dict(FUNNEL_COLS if cols is None else cols)
    order = variant_order(df, variant_col, control_label)
    if arms is None:
        arms = arm_stats(df, ratio_cuped_columns(cols, pre_cols, list(df.columns), ratios), variant_col)
    rows = []
    for name in ratios:
        num, den = RATIOS[name]
        needed = (cols.get(num), cols.get(den), pre_cols.get(num), pre_cols.get(den))
        if any(c is None or c not in df.columns for c in needed):
            continue
        for v in order[1:]:
            r = ratio_cuped_moments(arms[v], arms[order[0]], needed, ratio=name, variant=v, alpha=alpha,
                                    one_sided=one_sided)
            rows.append({"ratio": name, "variant": v, "control": r.control, "treatment": r.treatment,
                         "abs_lift": r.abs_lift, "ci_low": r.ci_low, "ci_high": r.ci_high, "rel_lift": r.rel_lift,
                         "p_value": r.p_value, "se": r.se, "raw_abs_lift": r.raw_abs_lift, "raw_se": r.raw_se,
                         "theta": r.theta, "variance_reduction": r.variance_reduction,
                         "ci_width_ratio": r.se / r.raw_se if r.raw_se > 0 else float("nan")})
    return pd.DataFrame(rows)
