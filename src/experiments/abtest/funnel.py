"""Ad funnel totals and ratio metrics with delta-method standard errors.

Funnel per group (variant, day, campaign, segment): units, impressions, clicks, conversions, revenue, cost and
the ratios CTR = clicks / impressions, CVR = conversions / clicks, CPA = cost / conversions, ROAS = revenue / cost,
revenue per user, plus cost per approved conversion when an approved-conversions column exists (Facebook data).

A ratio metric is a ratio of two per-unit sums, so units, not impressions, are the independent draws. Its
variance is the delta-method one for a ratio of means (Deng, Knoblich & Lu 2018, "Applying the Delta Method in
Metric Analytics", KDD, eq. 2; Kohavi, Tang & Xu 2020, ch. 18):

    Var(Ybar / Xbar) ~= (1/n) * [ s_YY / mu_X^2 - 2 mu_Y s_XY / mu_X^3 + mu_Y^2 s_XX / mu_X^4 ]

The "naive" binomial SE sqrt(r (1 - r) / sum X) treats every impression or click as independent and is too small
when units differ (clustered data).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from experiments.abtest.engine_steps import Moments, arm_stats
from experiments.abtest.prepare import variant_order
from experiments.data.tables import require_columns

#: role -> default column (the ad_events contract). Roles missing from a table are skipped.
FUNNEL_COLS: dict[str, str] = {"impressions": "impressions", "clicks": "clicks", "conversions": "conversions",
                               "revenue": "revenue", "cost": "cost"}
#: The Facebook KAG_conversion_data.csv columns onto the roles.
KAG_COLS: dict[str, str] = {"impressions": "Impressions", "clicks": "Clicks", "conversions": "Total_Conversion",
                            "approved": "Approved_Conversion", "cost": "Spent"}
#: ratio name -> (numerator role, denominator role)
RATIOS: dict[str, tuple[str, str]] = {"ctr": ("clicks", "impressions"), "cvr": ("conversions", "clicks"),
                                      "cpa": ("cost", "conversions"), "roas": ("revenue", "cost"),
                                      "cost_per_approved": ("cost", "approved"),
                                      "approval_rate": ("approved", "conversions")}


def _div(a: pd.Series | float, b: pd.Series | float):
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.asarray(a, dtype=float) / np.asarray(b, dtype=float)
    out = np.where(np.isfinite(out), out, np.nan)
    return out if out.ndim else float(out)


def funnel_table(df: pd.DataFrame, by: str | Sequence[str], cols: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Sum the funnel per group of ``by`` and add CTR, CVR, CPA, ROAS, revenue per user (where the roles exist).

    ``cols`` maps roles (impressions, clicks, conversions, revenue, cost, approved) to columns; defaults to the
    ad_events contract. Returns one row per group with ``units`` (rows) and the sums and ratios.
    """
    by = [by] if isinstance(by, str) else list(by)
    cols = dict(FUNNEL_COLS if cols is None else cols)
    present = {role: col for role, col in cols.items() if col in df.columns}
    require_columns(df, by, "funnel_table")
    sums = df.groupby(by, sort=True, observed=True).agg(
        units=(by[0], "size"), **{role: (col, "sum") for role, col in present.items()}).reset_index()
    for name, (num, den) in RATIOS.items():
        if num in present and den in present:
            sums[name] = _div(sums[num], sums[den])
    if "revenue" in present:
        sums["revenue_per_user"] = _div(sums["revenue"], sums["units"])
    return sums


def ratio_se(num: np.ndarray | pd.Series, den: np.ndarray | pd.Series) -> tuple[float, float]:
    """Return (ratio of sums, delta-method SE) for per-unit numerators and denominators in memory
    (``ratio_se_moments`` of their moments)."""
    return ratio_se_moments(Moments.of_arrays({"y": num, "x": den}), "y", "x")


def ratio_se_moments(m: Moments, num: str, den: str) -> tuple[float, float]:
    """Return (ratio of sums, delta-method SE) of columns ``num`` over ``den`` from one arm's moments.

    Reference: Deng, Knoblich & Lu (2018), eq. 2. Assumes units are independent; NaN when the denominator sums
    to zero or fewer than 2 units.
    """
    if m.n < 2 or m.sum(den) == 0:
        return float("nan"), float("nan")
    mx, my = m.avg(den), m.avg(num)
    s_yy, s_xy, s_xx = m.var(num), m.cov(num, den), m.var(den)
    var = (s_yy / mx**2 - 2 * my * s_xy / mx**3 + my**2 * s_xx / mx**4) / m.n
    return float(my / mx), float(math.sqrt(max(var, 0.0)))


def ratio_columns(cols: Mapping[str, str], present: Sequence[str],
                  ratios: Sequence[str] = ("ctr", "cvr", "cpa", "roas")) -> list[str]:
    """The columns the ratio metrics of ``ratios`` read (numerators and denominators that are in ``present``)."""
    out = []
    for name in ratios:
        num, den = RATIOS[name]
        if cols.get(num) in present and cols.get(den) in present:
            out += [cols[num], cols[den]]
    return list(dict.fromkeys(out))


def ratio_comparison(df: pd.DataFrame, *, variant_col: str, control_label: str, cols: Mapping[str, str] | None = None,
                     ratios: Sequence[str] = ("ctr", "cvr", "cpa", "roas"), alpha: float = 0.05,
                     one_sided: bool = False, arms: Mapping[str, Moments] | None = None) -> pd.DataFrame:
    """Each ratio metric per variant with its delta-method SE, and each treatment's difference to control.

    From the variants' moments (``arms``: ``engine_steps.arm_moments``, as ``analysis.run`` passes them; from ``df``
    in memory when not given).

    Columns: ratio, variant, value, se (delta), naive_se (binomial, only for CTR/CVR), abs_lift, ci_low, ci_high,
    rel_lift, z, p_value (treatment rows only). The difference's SE is sqrt(se_t^2 + se_c^2) (independent arms).
    """
    cols = dict(FUNNEL_COLS if cols is None else cols)
    order = variant_order(df, variant_col, control_label)
    if arms is None:
        arms = arm_stats(df, ratio_columns(cols, list(df.columns), ratios), variant_col)
    crit = stats.norm.ppf(1 - (alpha if one_sided else alpha / 2))
    rows = []
    for name in ratios:
        num, den = RATIOS[name]
        if cols.get(num) not in df.columns or cols.get(den) not in df.columns:
            continue
        est = {}
        for v in order:
            part = arms[v]
            value, se = ratio_se_moments(part, cols[num], cols[den])
            total = part.sum(cols[den])
            naive = math.sqrt(value * (1 - value) / total) if name in ("ctr", "cvr") and total > 0 and \
                0 <= value <= 1 else float("nan")
            est[v] = (value, se)
            rows.append({"ratio": name, "variant": v, "units": part.n, "value": value, "se": se,
                         "naive_se": naive})
        vc, sc = est[order[0]]
        for row in rows[-len(order) + 1:]:
            vt, st = est[row["variant"]]
            diff, se_d = vt - vc, math.sqrt(st**2 + sc**2)
            z = diff / se_d if se_d > 0 else float("nan")
            p = (stats.norm.sf(z) if one_sided else 2 * stats.norm.sf(abs(z))) if np.isfinite(z) else float("nan")
            rows_upd = {"abs_lift": diff, "ci_low": diff - crit * se_d, "ci_high": diff + crit * se_d,
                        "rel_lift": vt / vc - 1 if vc else float("nan"), "z": z, "p_value": float(p)}
            row.update(rows_upd)
    return pd.DataFrame(rows)
