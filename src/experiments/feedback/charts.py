"""Charts of the feedback report, each titled with its finding (matplotlib; labels from data masked + shortened)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from experiments.feedback.segment import has_cjk
from experiments.lab import chart_style
from experiments.lab.chart_style import data_label, finish

COLORS = {"negative": "#c0392b", "neutral": "#95a5a6", "positive": "#27ae60"}
GRADE_COLORS = {"mild": "#f5b041", "moderate": "#e67e22", "severe": "#922b21"}


def _label(value: object, n: int = 40) -> str:
    return data_label(value, n)


def cjk_font() -> str:
    """Return the CJK font the shared chart style uses ("" when none is installed; see ``lab.chart_style``)."""
    return chart_style.cjk_font()


def topic_tick(topic: int, label: str, n: int = 45) -> str:
    """Tick label of a topic: its id and words, or only ``topic <id>`` when the words are Chinese and no installed
    font can draw them (the words are in the table next to the chart)."""
    if has_cjk(str(label)) and not cjk_font():
        return f"topic {topic}"
    return f"{topic}: {_label(label, n)}"


def sentiment_by_channel(scored: pd.DataFrame) -> Figure:
    """Stacked bars: share of negative / neutral / positive texts per channel, most negative on top."""
    tab = pd.crosstab(scored["channel"].map(_label), scored["sentiment"], normalize="index")
    tab = tab[[c for c in COLORS if c in tab.columns]]
    neg = tab["negative"] if "negative" in tab else pd.Series(0.0, index=tab.index)
    tab = tab.loc[neg.sort_values().index]
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.45 * len(tab) + 1.2)))
    (tab * 100).plot.barh(stacked=True, ax=ax, color=[COLORS[c] for c in tab.columns], width=0.7)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # outside, right
    title = f"{neg.idxmax()} has the largest negative share ({neg.max():.0%})" if len(neg) else "Sentiment by channel"
    return finish(fig, ax, title, "share of texts (%)", "channel")


def sentiment_over_time(scored: pd.DataFrame, freq: str = "W") -> Figure | None:
    """Line of the weekly share of negative texts (with the count of texts as bars); None without times."""
    t = pd.to_datetime(scored["created_at"], utc=True)
    if t.isna().all():
        return None
    d = pd.DataFrame({"t": t.dt.tz_convert(None), "neg": scored["sentiment"].eq("negative")}).dropna()
    per = d.set_index("t").resample(freq)["neg"].agg(["mean", "size"])
    per = per[per["size"] > 0]
    fig, ax = plt.subplots(figsize=(9, 3.8))
    ax.plot(per.index, per["mean"] * 100, color=COLORS["negative"], marker="o", markersize=3)
    k = min(4, max(1, len(per) // 2))  # the last k periods against the k before (single weeks are noisy)
    last = per["mean"].iloc[-k:].mean()
    first = per["mean"].iloc[-2 * k:-k].mean() if len(per) >= 2 * k else per["mean"].iloc[0]
    unit = "week" if freq == "W" else freq
    verb = "rose" if last > first + 0.02 else "fell" if last < first - 0.02 else "held steady"
    title = f"Negative share {verb}: {last:.0%} over the last {k} {unit}s vs {first:.0%} before"
    ax.set_ylim(0, 100)
    return finish(fig, ax, title, "period", "negative texts (%)")


def topic_sizes(info: pd.DataFrame, top: int = 15) -> Figure:
    """Horizontal bars of the texts per topic (largest first)."""
    d = info.head(top)
    labels = [topic_tick(t, lbl) for t, lbl in zip(d["topic"], d["label"], strict=True)]
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.38 * len(d) + 1.2)))
    ax.barh(labels[::-1], d["size"].to_numpy()[::-1], color="#1e5aa8")
    title = f"The largest topic holds {d['share'].iloc[0]:.0%} of texts" if len(d) else "Topics"
    return finish(fig, ax, title, "texts", "topic (top words)")


def topic_sentiment_heatmap(shares: pd.DataFrame, info: pd.DataFrame, top: int = 15) -> Figure:
    """Heatmap of topic x sentiment shares (rows: topic labels as in ``info``, sum to 1)."""
    d = shares.head(top)
    ids = dict(zip(info["label"], info["topic"], strict=False))
    d = d[[c for c in COLORS if c in d.columns]]
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.4 * len(d) + 1.2)))
    im = ax.imshow(d.to_numpy() * 100, cmap="Reds", aspect="auto", vmin=0, vmax=100)
    ax.set_xticks(range(len(d.columns)), list(d.columns))
    ax.set_yticks(range(len(d)), [topic_tick(ids.get(i, -1), i) for i in d.index])
    for i in range(len(d)):
        for j in range(len(d.columns)):
            v = d.iat[i, j] * 100
            ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=8, color="white" if v > 60 else "black")
    fig.colorbar(im, ax=ax, label="share of the topic's texts (%)")
    worst = d["negative"].idxmax() if "negative" in d and len(d) else ""
    title = (f"Most negative topic: {topic_tick(ids.get(worst, -1), worst, 40)} ({d.loc[worst, 'negative']:.0%} "
             "negative)" if worst else "Sentiment per topic")
    return finish(fig, ax, title, "sentiment", "topic")


def care_by_grade(queue: pd.DataFrame) -> Figure:
    """Bars of customers in the care queue per grade, annotated with the action."""
    grades = ["mild", "moderate", "severe"]
    counts = queue["grade"].value_counts().reindex(grades, fill_value=0) if len(queue) else pd.Series(0, grades)
    actions = (queue.drop_duplicates("grade").set_index("grade")["action"] if len(queue)
               else pd.Series(dtype=object))
    fig, ax = plt.subplots(figsize=(8, 3.2))
    ax.barh(grades, counts.to_numpy(), color=[GRADE_COLORS[g] for g in grades])
    for i, g in enumerate(grades):
        ax.text(counts[g], i, f"  {counts[g]:,} · {_label(actions.get(g, ''), 40)}", va="center", fontsize=9)
    ax.set_xlim(0, max(1, counts.max()) * 1.8)
    calls = int(counts["moderate"] + counts["severe"])
    return finish(fig, ax, f"{calls:,} customers need a call-back, {counts['severe']:,} of them severe",
                  "customers", "grade")
