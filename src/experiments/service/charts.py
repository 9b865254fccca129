"""Charts of notebook 07 (service operations), each titled with its finding.

The result-level functions (``weekday``, ``faq_gaps``, ``alerts``, ``forecast``) take a ``Result``, write the title
from it and return None when the part did not run; the drawing functions below them take tables and a title.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.lab.chart_style import data_label, finish
from experiments.service.result import Result

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _label(x: object, n: int = 30) -> str:
    return data_label(x, n)


def weekday(r: Result) -> Figure:
    """Share within target, busiest channels x local weekday; the title names the worst weekend drop."""
    worst = r.weekend.index[0] if len(r.weekend) else None
    title = (f"{worst} drops to {r.weekend['weekend'].iloc[0]:.0%} within target on weekends" if worst is not None
             else "Share within target by weekday")
    return share_heatmap(r.weekday, title)


def faq_gaps(r: Result) -> Figure | None:
    """The FAQ gap bars (None without bot columns)."""
    if r.gaps is None or r.gaps.empty:
        return None
    return faq_gap_chart(r.gaps, f"The bot fails {r.gaps['failure_rate'].iloc[0]:.0%} of turns on "
                                 f"{r.gaps.index[0]}: the first FAQ to write")


def alerts(r: Result, incident: tuple[str, str] | None = None, delay: int | None = None,
           topic: str | None = None) -> Figure | None:
    """Negative contacts of the alerting topic (``topic``, else the top alerting one, else the first) against their
    baseline; with ``incident`` (the evaluation's planted window) shaded and ``delay`` in the title. None when the
    early warning did not run."""
    if r.scored is None:
        return None
    top = topic or r.values.get("alert_top_topic") or str(r.scored["topic"].iloc[0])
    title = (f"{top}: incident flagged {delay} day(s) after it began" if delay is not None
             else f"Negative {top} contacts against their baseline")
    return alert_timeline(r.scored, top, title, incident)


def planted_incident(r: Result, comparison: Any) -> Figure | None:
    """The early-warning chart of the planted incident's topic with its window shaded and the detection delay in the
    title (``comparison``: an ``evaluation.Comparison``); None without an incident or an early warning."""
    if comparison.incident is None:
        return None
    return alerts(r, comparison.window, comparison.metrics.get("incident_detection_delay_days"),
                  comparison.incident["topic"])


def forecast(r: Result, history_days: int = 84) -> Figure | None:
    """Daily contacts of the last ``history_days``, the latest backtest forecast and the forecast ahead (None when
    staffing did not run)."""
    if r.future is None:
        return None
    total = r.daily.sum(axis=1)
    return forecast_chart(total.iloc[-history_days:], r.holdout, r.future,
                          f"ETS MASE {r.values['forecast_mase']:.2f} vs seasonal naive "
                          f"{r.values['forecast_mase_seasonal_naive']:.2f} over {len(r.backtest)} origins")


def share_heatmap(table: pd.DataFrame, title: str) -> Figure:
    """Heat map of the share within target, channel (rows) x weekday (columns 0-6), values printed in the cells."""
    t = table.reindex(columns=range(7))
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(t) + 1.5))
    im = ax.imshow(t.to_numpy(float), cmap="RdYlGn", vmin=0.5, vmax=1.0, aspect="auto")
    ax.set_xticks(range(7), WEEKDAYS)
    ax.set_yticks(range(len(t)), [_label(c) for c in t.index])
    for (i, j), v in np.ndenumerate(t.to_numpy(float)):
        if not np.isnan(v):
            ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=9)
    fig.colorbar(im, ax=ax, label="share within target")
    return finish(fig, ax, _label(title, 110), "weekday (local time)", "channel")


def alert_timeline(scored: pd.DataFrame, topic: str, title: str, incident: tuple[str, str] | None = None) -> Figure:
    """Daily negative contacts of ``topic`` (all channels) against the expected count, alert days marked, the
    incident window shaded when given."""
    d = scored[scored["topic"] == topic].groupby("day")[["negative", "expected"]].sum(min_count=1)
    al = scored[(scored["topic"] == topic) & scored["alert"]].groupby("day")["negative"].sum()
    fig, ax = plt.subplots(figsize=(10, 3.8))
    if incident:
        ax.axvspan(pd.Timestamp(incident[0]), pd.Timestamp(incident[1]) + pd.Timedelta(hours=23), color="orange",
                   alpha=0.25, label="incident (planted)")
    ax.plot(d.index, d["negative"], lw=1, color="black", label="negative contacts")
    ax.plot(d.index, d["expected"], lw=1, color="tab:blue", ls="--", label="expected (baseline)")
    if len(al):
        ax.scatter(al.index, d["negative"].reindex(al.index), color="red", zorder=3, label="alert")
    ax.legend(loc="upper left", frameon=False)
    return finish(fig, ax, _label(title, 110), "day", "negative contacts per day")


def forecast_chart(history: pd.Series, holdout: pd.DataFrame | None, future: pd.DataFrame, title: str) -> Figure:
    """Daily contacts: the recent history, a holdout forecast with its interval against what happened, and the
    forecast of the next days with its interval."""
    fig, ax = plt.subplots(figsize=(10, 3.8))
    ax.plot(history.index, history.to_numpy(), color="black", lw=1, label="actual contacts")
    for f, color, label in ((holdout, "tab:orange", "backtest forecast"), (future, "tab:blue", "forecast")):
        if f is None:
            continue
        ax.plot(f.index, f["forecast"], color=color, lw=1.5, label=label)
        ax.fill_between(f.index, f["lower"], f["upper"], color=color, alpha=0.2)
    ax.legend(loc="upper left", frameon=False)
    return finish(fig, ax, _label(title, 110), "day", "contacts per day")


def faq_gap_chart(gaps: pd.DataFrame, title: str, top: int = 8) -> Figure:
    """Horizontal bars of the gap score (conversations x failure rate) of the top topics, failure rate printed."""
    g = gaps.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(g) + 1.5))
    ax.barh([_label(t) for t in g.index], g["gap_score"], color="tab:red")
    for i, (score, rate) in enumerate(zip(g["gap_score"], g["failure_rate"], strict=True)):
        ax.text(score, i, f" {rate:.0%} of turns failed", va="center", fontsize=9)
    return finish(fig, ax, _label(title, 110), "gap score (bot conversations x turn failure rate)", "topic")


__all__ = ["planted_incident", "alert_timeline", "alerts", "faq_gap_chart", "faq_gaps", "forecast", "forecast_chart",
           "share_heatmap", "weekday"]
