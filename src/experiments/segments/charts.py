"""Figures of notebook 02: segment sizes and revenue, RFM heatmap, CLV distribution, holdout tracking, migration.

Every function returns a matplotlib ``Figure`` titled with its finding (computed here from the data it draws) and
labelled axes; segment labels pass through ``safe.mask_pii`` + shortening.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.lab.chart_style import data_label, finish

BLUE, ORANGE, GREY = "#1e5aa8", "#d9822b", "#9aa5b1"


def _label(v) -> str:
    return data_label(v, 30)


def sizes_and_revenue(ind: pd.DataFrame, view_name: str) -> Figure:
    """Side-by-side bars: share of customers and share of revenue per segment (``indicators`` rows)."""
    ind = ind[ind["customers"] > 0]
    fig, ax = plt.subplots(figsize=(9, max(3, 0.45 * len(ind) + 1.2)))
    y = np.arange(len(ind))
    ax.barh(y - 0.2, ind["share_customers"] * 100, height=0.4, color=GREY, label="customers")
    ax.barh(y + 0.2, ind["revenue_share"] * 100, height=0.4, color=BLUE, label="revenue to date")
    ax.set_yticks(y, [_label(i) for i in ind.index])
    ax.invert_yaxis()
    ax.legend(frameon=False, loc="lower right")
    top = ind["revenue_share"].idxmax()
    title = (f"{_label(top)}: {ind.loc[top, 'share_customers']:.0%} of customers bring "
             f"{ind.loc[top, 'revenue_share']:.0%} of revenue")
    return finish(fig, ax, title, "% of all customers / of all revenue", view_name)


def rfm_heatmap(counts: pd.DataFrame, value: pd.DataFrame | None = None) -> Figure:
    """R x F heatmap of customer counts (colour: mean CLV when ``value`` is given)."""
    fig, ax = plt.subplots(figsize=(7, 4.8))
    shade = (value if value is not None else counts).astype(float)
    im = ax.imshow(shade.to_numpy(), cmap="Blues", aspect="auto")
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            n = counts.iat[i, j]
            ax.text(j, i, "" if pd.isna(n) else f"{int(n):,}", ha="center", va="center", fontsize=9,
                    color="white" if shade.iat[i, j] > np.nanmax(shade.to_numpy()) * 0.6 else "black")
    ax.set_xticks(range(counts.shape[1]), [str(c) for c in counts.columns])
    ax.set_yticks(range(counts.shape[0]), [str(r) for r in counts.index])
    fig.colorbar(im, ax=ax, label="mean CLV" if value is not None else "customers")
    best = shade.stack().idxmax()
    title = f"Value concentrates at R {best[0]}, F {best[1]} (numbers: customers per cell)"
    return finish(fig, ax, title, "F score (5 = most purchases)", "R score (5 = most recent)")


def clv_distribution(clv: pd.Series, currency: str = "") -> Figure:
    """Histogram of CLV (log scale on x when it spans decades) with the top-20% cut marked."""
    v = clv[clv > 0]
    fig, ax = plt.subplots(figsize=(9, 3.8))
    if len(v) == 0:
        ax.text(0.5, 0.5, "no positive CLV", ha="center", transform=ax.transAxes)
        return finish(fig, ax, "No customer has a positive CLV", "CLV", "customers")
    bins = np.logspace(np.log10(max(v.min(), 1e-2)), np.log10(v.max()), 40) if v.max() / max(v.min(), 1e-2) > 100 \
        else 40
    ax.hist(v, bins=bins, color=BLUE)
    if isinstance(bins, np.ndarray):
        ax.set_xscale("log")
    cut = v.quantile(0.8)
    ax.axvline(cut, color=ORANGE, lw=2)
    top = v[v >= cut].sum() / v.sum()
    title = f"The top 20% of customers hold {top:.0%} of predicted lifetime value (orange: the cut, {cut:,.0f})"
    return finish(fig, ax, title, f"CLV over the horizon{(' (' + currency + ')') if currency else ''}", "customers")


def holdout_tracking(cumulative: pd.DataFrame, by_frequency: pd.DataFrame, unit: str) -> Figure:
    """Two panels (Fader, Hardie & Lee 2005, fig. 3-4): cumulative holdout repeat purchases, predicted vs actual,
    and mean holdout purchases by number of calibration repeat purchases."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    a1.plot(cumulative.index, cumulative["actual"], color="black", label="actual")
    a1.plot(cumulative.index, cumulative["predicted"], color=BLUE, ls="--", label="BG/NBD expected")
    a1.legend(frameon=False)
    x = np.arange(len(by_frequency))
    a2.plot(x, by_frequency["actual"], color="black", marker="o", label="actual")
    a2.plot(x, by_frequency["predicted"], color=BLUE, ls="--", marker="o", label="BG/NBD expected")
    a2.set_xticks(x, by_frequency.index)
    a2.legend(frameon=False)
    unit_name = {"W": "weeks", "D": "days"}[unit]
    rel = (cumulative["predicted"].iat[-1] - cumulative["actual"].iat[-1]) / max(cumulative["actual"].iat[-1], 1)
    word = "over" if rel > 0 else "under"
    finish(fig, a2, "Per calibration frequency", "repeat purchases in calibration", "mean holdout purchases")
    return finish(fig, a1, f"The model {word}-predicts holdout purchases by {abs(rel):.0%}",
                  f"{unit_name} after calibration end", "cumulative repeat purchases")


def migration_heatmap(matrix: pd.DataFrame | None) -> Figure | None:
    """Heatmap of customers moving from the previous run's segment (rows) to this run's (columns); None (no figure)
    without a previous run."""
    if matrix is None:
        return None
    fig, ax = plt.subplots(figsize=(8.5, 6))
    data = matrix.to_numpy(float)
    ax.imshow(np.log1p(data), cmap="Blues", aspect="auto")
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            if data[i, j]:
                ax.text(j, i, f"{int(data[i, j]):,}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(data.shape[1]), [_label(c) for c in matrix.columns], rotation=40, ha="right")
    ax.set_yticks(range(data.shape[0]), [_label(r) for r in matrix.index])
    stayed = np.trace(data) / max(data.sum(), 1)
    return finish(fig, ax, f"{stayed:.0%} of customers kept their segment since the previous run",
                  "segment now", "segment in the previous run")
