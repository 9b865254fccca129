"""Sequential monitoring: daily cumulative lift with an always-valid confidence sequence.

Peeking at a fixed-horizon p-value every day and stopping at the first p < alpha inflates the false-positive
rate far above alpha (Johari, Koomen, Pekelis & Walsh 2017, "Peeking at A/B Tests", KDD). An always-valid
confidence sequence (CS) covers the true lift at *every* look simultaneously with probability >= 1 - alpha, so
stopping as soon as it excludes 0 is honest.

We use the normal-mixture sequential probability ratio test (mSPRT, Johari et al. 2017; the normal-mixture
boundary of Howard, Ramdas, McAuliffe & Sekhon 2021, "Time-uniform, nonparametric, nonasymptotic confidence
sequences", Ann. Statist.). With the cumulative difference d_t, its variance V_t = s_t^2/n_t + s_c^2/n_c and a
N(0, tau^2) mixture over the lift, the likelihood ratio is

    Lambda_t = sqrt(V_t / (V_t + tau^2)) * exp( tau^2 d_t^2 / (2 V_t (V_t + tau^2)) ),

the always-valid p-value is min(1, min_{s<=t} 1 / Lambda_s), and the CS is d_t +- w_t with

    w_t = sqrt( 2 V_t (V_t + tau^2) / tau^2 * ( log(1/alpha) + 0.5 log((V_t + tau^2) / V_t) ) ).

Variances are estimated (a CLT approximation; Waudby-Smith et al. 2023, "Time-uniform central limit theory").
tau^2 is chosen to make the CS narrowest at the final look's variance (it depends on the sample size, not on the
observed lift). The CS is two-sided at level alpha.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

from experiments.common.errors import DataInputError


def optimal_tau2(v_final: float, alpha: float = 0.05) -> float:
    """Return the mixture variance tau^2 that minimises the CS half-width at variance ``v_final``."""
    if not v_final > 0:
        return 1.0
    la = math.log(1 / alpha)
    f = lambda logr: (1 + math.exp(logr)) / math.exp(logr) * (la + 0.5 * math.log1p(math.exp(logr)))  # noqa: E731
    r = math.exp(optimize.minimize_scalar(f, bounds=(-10, 10), method="bounded").x)
    return float(r * v_final)


def cs_halfwidth(v: np.ndarray | float, tau2: float, alpha: float = 0.05) -> np.ndarray:
    """Half-width of the normal-mixture confidence sequence at variance ``v`` (Howard et al. 2021)."""
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(2 * v * (v + tau2) / tau2 * (math.log(1 / alpha) + 0.5 * np.log((v + tau2) / v)))


def log_msprt(diff: np.ndarray | float, v: np.ndarray | float, tau2: float) -> np.ndarray:
    """log Lambda of the normal-mixture SPRT for H0: lift = 0 (Johari et al. 2017, eq. 11)."""
    diff, v = np.asarray(diff, dtype=float), np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 0.5 * np.log(v / (v + tau2)) + tau2 * diff**2 / (2 * v * (v + tau2))


def always_valid_p(diff: np.ndarray, v: np.ndarray, tau2: float) -> np.ndarray:
    """Running always-valid p-values along the last axis: min(1, min_{s<=t} 1/Lambda_s)."""
    p = np.minimum(1.0, np.exp(-np.nan_to_num(log_msprt(diff, v, tau2), nan=-np.inf)))
    return np.minimum.accumulate(p, axis=-1)


def daily_cumulative(df: pd.DataFrame, metric: str, *, variant_col: str, control_label: str, variant: str,
                     time_col: str, alpha: float = 0.05, one_sided: bool = False,
                     tau2: float | None = None) -> pd.DataFrame:
    """Per day, the cumulative lift of ``variant`` over control with naive and always-valid inference.

    Columns: day, n_control, n_treatment, rate_control, rate_treatment, abs_lift, se, naive_low, naive_high,
    naive_p (the fixed-horizon z-test as if each day were the last), cs_low, cs_high, always_valid_p, tau2.
    Units are counted on the day of their ``time_col`` (assignment date).
    """
    if not time_col or time_col not in df.columns:
        raise DataInputError(f"sequential: time column {time_col!r} not found; the daily view needs time_col")
    sub = df[df[variant_col].astype(str).isin([str(variant), str(control_label)])].copy()
    sub["_day"] = pd.to_datetime(sub[time_col]).dt.normalize()
    sub["_y"] = sub[metric].astype(float)
    sub["_y2"] = sub["_y"] ** 2
    sub["_arm"] = np.where(sub[variant_col].astype(str) == str(variant), "t", "c")
    g = sub.groupby(["_day", "_arm"])[["_y", "_y2"]].agg(["size", "sum"])
    n = g[("_y", "size")].unstack(fill_value=0).cumsum()
    s = g[("_y", "sum")].unstack(fill_value=0.0).cumsum()
    ss = g[("_y2", "sum")].unstack(fill_value=0.0).cumsum()
    for frame in (n, s, ss):
        for arm in ("c", "t"):
            if arm not in frame:
                frame[arm] = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = s / n
        var = (ss - n * mean**2) / (n - 1)
        v = (var["t"] / n["t"] + var["c"] / n["c"]).to_numpy(float)
    diff = (mean["t"] - mean["c"]).to_numpy(float)
    se = np.sqrt(v)
    crit = stats.norm.ppf(1 - (alpha if one_sided else alpha / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = diff / se
    naive_p = stats.norm.sf(z) if one_sided else 2 * stats.norm.sf(np.abs(z))
    finite_v = v[np.isfinite(v) & (v > 0)]
    tau2 = optimal_tau2(float(finite_v[-1]), alpha) if tau2 is None and len(finite_v) else (tau2 or 1.0)
    hw = cs_halfwidth(v, tau2, alpha)
    return pd.DataFrame({"day": n.index, "n_control": n["c"].to_numpy(int), "n_treatment": n["t"].to_numpy(int),
                         "rate_control": mean["c"].to_numpy(float), "rate_treatment": mean["t"].to_numpy(float),
                         "abs_lift": diff, "se": se, "naive_low": diff - crit * se, "naive_high": diff + crit * se,
                         "naive_p": naive_p, "cs_low": diff - hw, "cs_high": diff + hw,
                         "always_valid_p": always_valid_p(np.nan_to_num(diff), np.where(np.isfinite(v), v, np.inf),
                                                          tau2), "tau2": tau2})


def first_stop(table: pd.DataFrame, alpha: float = 0.05, method: str = "naive") -> int | None:
    """1-based index of the first day a peeking analyst would stop: ``naive`` p < alpha, or ``sequential``
    (always-valid p < alpha, i.e. the CS excludes 0). None when it never stops."""
    col = "naive_p" if method == "naive" else "always_valid_p"
    hits = np.flatnonzero(table[col].to_numpy(float) < alpha)
    return int(hits[0]) + 1 if len(hits) else None
