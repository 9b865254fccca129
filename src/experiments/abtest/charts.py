"""Figures for the A/B report: each titled with its finding, axes labelled with units (matplotlib only)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from experiments.abtest.result import Result
from experiments.abtest.trust import SRMResult
from experiments.lab.chart_style import data_label, finish

BLUE, ORANGE, GREY, RED = "#1e5aa8", "#e07b00", "#8a8a8a", "#c0392b"


def label(value: object, max_chars: int = 40) -> str:
    """A data-derived chart label (``lab.chart_style.data_label``)."""
    return data_label(value, max_chars)


def shown(fig: Figure) -> Figure:
    """Close ``fig`` in pyplot and return it: ``display(fig)`` then shows it once, where the section puts it (an open
    figure would be drawn a second time at the end of the notebook cell)."""
    plt.close(fig)
    return fig


def _finish(fig: Figure, ax, title: str, xlabel: str, ylabel: str) -> Figure:
    return finish(fig, ax, title, xlabel, ylabel, fontsize=11)


def split_chart(srm: SRMResult) -> Figure:
    """Observed share of units per variant against the planned share (when given)."""
    labels = list(srm.observed)
    total = sum(srm.observed.values())
    obs = np.array([srm.observed[k] / total for k in labels])
    fig, ax = plt.subplots(figsize=(7, 2.6))
    y = np.arange(len(labels))
    ax.barh(y, obs, color=RED if srm.flagged else BLUE, label="observed")
    if srm.planned:
        ax.scatter([srm.planned[k] for k in labels], y, color="black", marker="|", s=400, label="planned", zorder=3)
    ax.set_yticks(y, [label(k) for k in labels])
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the bars, never over them
    if not srm.tested:
        title = "Traffic split (no planned split given: SRM not tested)"
    elif srm.flagged:
        title = f"Sample-ratio mismatch: the split is off plan (p = {srm.p_value:.1g})"
    else:
        title = f"The traffic split matches the plan (SRM p = {srm.p_value:.2f})"
    return _finish(fig, ax, title, "share of units", "variant")


def lift_chart(results: pd.DataFrame) -> Figure:
    """Relative lift with its interval per metric and variant (a forest plot)."""
    res = results.reset_index(drop=True)
    labels = [f"{label(r.metric)}: {label(r.variant)}" for r in res.itertuples()]
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(res) + 1.6))
    y = np.arange(len(res))[::-1]
    sig = res["p_holm"].to_numpy(float) < res["alpha"].to_numpy(float)
    for yi, r, s in zip(y, res.itertuples(), sig, strict=True):
        ax.plot([r.rel_ci_low * 100, r.rel_ci_high * 100], [yi, yi], color=BLUE if s else GREY, lw=2)
        ax.plot(r.rel_lift * 100, yi, "o", color=BLUE if s else GREY)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, labels)
    best = res.iloc[0]
    title = (f"{label(best.metric)}: {best.rel_lift:+.1%} relative lift for {label(best.variant)} "
             f"({'significant' if sig[0] else 'not significant'} after Holm)")
    return _finish(fig, ax, title, "relative lift vs control (%), interval at the test's level", "")


def sequential_chart(table: pd.DataFrame, metric: str, naive_stop: int | None, seq_stop: int | None,
                     percent: bool = True) -> Figure:
    """Cumulative daily lift with the naive daily interval and the always-valid confidence sequence.

    ``percent`` scales a proportion's lift to percentage points; a mean's lift is drawn in its own unit.
    """
    days = np.arange(1, len(table) + 1)
    k = 100 if percent else 1
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.fill_between(days, table["cs_low"] * k, table["cs_high"] * k, color=BLUE, alpha=0.2,
                    label="always-valid confidence sequence")
    ax.plot(days, table["naive_low"] * k, "--", color=ORANGE, lw=1, label="naive daily interval")
    ax.plot(days, table["naive_high"] * k, "--", color=ORANGE, lw=1)
    ax.plot(days, table["abs_lift"] * k, "o-", color="black", ms=3, label="cumulative lift")
    ax.axhline(0, color="black", lw=0.8)
    if naive_stop:
        ax.axvline(naive_stop, color=ORANGE, lw=1, ls=":")
    ax.legend(frameon=False, fontsize=8)
    if naive_stop and not seq_stop:
        title = f"A daily peeker would have stopped on day {naive_stop}; the honest sequence never excludes 0"
    elif seq_stop:
        title = (f"The always-valid sequence excludes 0 from day {seq_stop}"
                 + (f" (naive peeking: day {naive_stop})" if naive_stop else ""))
    else:
        title = "No look, naive or sequential, excludes a zero lift"
    unit = " (pp)" if percent else " (per unit)"
    return _finish(fig, ax, title, "day of the experiment", f"cumulative lift in {label(metric)}{unit}")


def posterior_chart(x_t: int, n_t: int, x_c: int, n_c: int, prob_beat: float, labels: tuple[str, str],
                    metric: str = "") -> Figure:
    """Beta posteriors of the two conversion rates (uniform prior) of ``metric``."""
    a_t, b_t, a_c, b_c = 1 + x_t, 1 + n_t - x_t, 1 + x_c, 1 + n_c - x_c
    lo = min(stats.beta.ppf(0.0005, a_t, b_t), stats.beta.ppf(0.0005, a_c, b_c))
    hi = max(stats.beta.ppf(0.9995, a_t, b_t), stats.beta.ppf(0.9995, a_c, b_c))
    grid = np.linspace(lo, hi, 400)
    fig, ax = plt.subplots(figsize=(8, 3.2))
    control, treated = label(labels[0]), label(labels[1])
    ax.plot(grid * 100, stats.beta.pdf(grid, a_c, b_c), color=GREY,
            label=control if control.lower() == "control" else f"{control} (control)")
    ax.plot(grid * 100, stats.beta.pdf(grid, a_t, b_t), color=BLUE, label=treated)
    ax.legend(frameon=False)
    shown = "> 99.9%" if prob_beat > 0.999 else "< 0.1%" if prob_beat < 0.001 else f"= {prob_beat:.1%}"
    on = f" on {label(metric)}" if metric else ""
    return _finish(fig, ax, f"P({treated} beats {control}{on}) {shown}", "conversion rate (%)",
                   "posterior density")


def posterior_for(a: Result) -> Figure | None:
    """The Beta posteriors of the first 0/1 metric for the first treatment (None when no metric is 0/1 or a normal
    prior on the relative lift is used instead)."""
    binary = [m for m in a.config.metric_cols if (m, a.treatments[0]) in a.counts]
    if not binary or a.config.prior_sd > 0:  # the chart draws the uniform-prior Beta posteriors
        return None
    v = a.treatments[0]
    x_t, n_t, x_c, n_c = a.counts[(binary[0], v)]
    return posterior_chart(x_t, n_t, x_c, n_c, a.bayes[(binary[0], v)].prob_beat, (a.config.control_label, v),
                           binary[0])


def daily_rate_chart(daily: pd.DataFrame, variant_col: str, value: str, name: str) -> Figure:
    """A daily funnel ratio per variant (one line each)."""
    wide = daily.pivot(index=daily.columns[1], columns=variant_col, values=value)
    fig, ax = plt.subplots(figsize=(9, 3.5))
    for col in wide.columns:
        ax.plot(wide.index, wide[col] * 100, marker="o", ms=3, label=label(col))
    ax.legend(frameon=False)
    means = daily.groupby(variant_col)[value].mean()
    title = f"Daily {name}: " + ", ".join(f"{label(k)} {v:.2%}" for k, v in means.items()) + " on average"
    fig.autofmt_xdate()
    return _finish(fig, ax, title, "assignment date", f"{name} (%)")


def segment_chart(segments: pd.DataFrame, metric: str, alpha: float) -> Figure:
    """Absolute lift per segment level with its interval; Holm-significant levels in colour."""
    seg = segments[(segments["metric"] == metric) & segments["tested"]].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(seg) + 1.6))
    y = np.arange(len(seg))[::-1]
    sig = seg["p_holm"].to_numpy(float) < alpha
    for yi, r, s in zip(y, seg.itertuples(), sig, strict=True):
        ax.plot([r.ci_low * 100, r.ci_high * 100], [yi, yi], color=BLUE if s else GREY, lw=2)
        ax.plot(r.abs_lift * 100, yi, "o", color=BLUE if s else GREY)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [f"{label(r.segment)}={label(r.level)}" for r in seg.itertuples()], fontsize=8)
    title = f"{int(sig.sum())} of {len(seg)} segment lifts in {label(metric)} survive the Holm correction"
    xlabel = f"absolute lift in {label(metric)} (x100; pp for a proportion), uncorrected interval"
    return _finish(fig, ax, title, xlabel, "segment")


def uplift_chart(curve: pd.DataFrame, top_group: str, metric: str, flat: bool = False) -> Figure:
    """The held-out uplift curve (gain per unit when treating the top share) against random targeting; ``flat``
    (the Qini interval covers 0) titles it as no targeting advice."""
    fig, ax = plt.subplots(figsize=(8, 3.6))
    x = np.concatenate([[0], curve["fraction"] * 100])
    ax.plot(x, np.concatenate([[0], curve["gain"]]), "o-", color=BLUE, ms=3, label="target by predicted uplift")
    ax.plot(x, np.concatenate([[0], curve["random"]]), "--", color=GREY, label="target at random")
    ax.legend(frameon=False)
    best = curve["gain"].idxmax()
    full = curve["random"].iloc[-1]
    title = (f"Treating the top {curve['fraction'].iloc[best]:.0%} by predicted uplift gets "
             f"{curve['gain'].iloc[best] / full:.0%} of the full effect; top group {label(top_group)}"
             if full > 0 else f"Uplift by targeted share; top group {label(top_group)}")
    if flat:
        title = "Flat uplift: ranking by predicted uplift does not beat random targeting (Qini interval covers 0)"
    return _finish(fig, ax, title, "share of units treated, ranked by predicted uplift (%)",
                   f"gain in {label(metric)} per unit (held-out)")
