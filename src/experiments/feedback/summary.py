"""The first screen in numbers: what customers complain about most this period, how that moved, who needs a call.

``complaint_trend`` counts negative texts per topic in the last ``period_days`` before ``as_of`` and in the period
before; ``headline`` turns that and the care queue into three plain sentences (data-derived text escaped by
``safe.md``).
"""

from __future__ import annotations

import pandas as pd

from experiments.lab.report import safe


def complaint_trend(scored: pd.DataFrame, as_of: pd.Timestamp, period_days: int = 30) -> pd.DataFrame:
    """Return negative texts per topic label now (last ``period_days``) and before (the ``period_days`` before),
    with each topic's share of this period's negatives and the change in count, largest first.

    Without times (all ``created_at`` missing) every text counts as this period and ``before`` is 0.
    """
    neg = scored[scored["sentiment"] == "negative"]
    times = pd.to_datetime(neg["created_at"], utc=True)
    if times.isna().all():
        now = neg["topic_label"].value_counts()
        before = pd.Series(0, index=now.index)
    else:
        end = pd.Timestamp(as_of)
        start, prev = end - pd.Timedelta(days=period_days), end - pd.Timedelta(days=2 * period_days)
        now = neg.loc[(times > start) & (times <= end), "topic_label"].value_counts()
        before = neg.loc[(times > prev) & (times <= start), "topic_label"].value_counts()
    out = pd.DataFrame({"now": now, "before": before}).fillna(0).astype(int)
    out["share_now"] = out["now"] / max(int(out["now"].sum()), 1)
    out["change"] = out["now"] - out["before"]
    out.index.name = "topic"
    out = out.sort_values(["now", "before"], ascending=False)
    out["example"] = _latest_texts(neg, times, out.index)
    return out


def _latest_texts(neg: pd.DataFrame, times: pd.Series, labels: pd.Index) -> list[str]:
    """Return the most recent negative text of each topic label (the last one in row order without times)."""
    order = neg.assign(_t=times.to_numpy()).sort_values("_t", kind="stable", na_position="first")
    last = order.groupby("topic_label", sort=False)["text"].last() if "text" in order else pd.Series(dtype=object)
    return [str(last.get(label, "")) for label in labels]


def trend_table(trend: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Return the first-screen table: the ``top`` complaint topics with this period's and the previous period's
    negative texts, the change, the share of this period's negatives (%) and the latest example (masked,
    shortened)."""
    t = trend.head(top)
    return safe.frame(pd.DataFrame({
        "complaint topic (top words)": t.index, "negatives this period": t["now"].to_numpy(),
        "period before": t["before"].to_numpy(), "change": t["change"].to_numpy(),
        "share of this period (%)": (t["share_now"].to_numpy() * 100).round(0).astype(int),
        "latest example": t["example"].to_numpy() if "example" in t else ""}), max_chars=70)


def headline(trend: pd.DataFrame, queue: pd.DataFrame, as_of: pd.Timestamp, period_days: int,
             n_negative: int, n_texts: int):
    """Return the first-screen Markdown: top complaint topic and its move, negatives share, calls needed today."""
    lines = []
    if len(trend) and trend["now"].sum() > 0:
        top = trend.index[0]
        row = trend.iloc[0]
        move = ("up from" if row["change"] > 0 else "down from" if row["change"] < 0 else "the same as")
        example = str(row.get("example", "") or "")
        lines.append(safe.md("- **Most complaints this period are about {topic}**: {now:,} negative texts in the last "
                             "{days} days ({share:.0%} of the period's negatives), {move} {before:,} in the "
                             "{days} days before." + (" Latest: “{example}”" if example else ""),
                             topic=top, now=int(row["now"]), days=int(period_days), share=float(row["share_now"]),
                             move=move, before=int(row["before"]),
                             example=safe.shorten(safe.mask_pii(example), 90)).data)
    lines.append(safe.md("- {neg:,} of {n:,} texts ({share:.0%}) are negative.", neg=int(n_negative), n=int(n_texts),
                         share=n_negative / max(n_texts, 1)).data)
    calls = queue[queue["grade"].isin(["moderate", "severe"])] if len(queue) else queue
    severe = int((queue["grade"] == "severe").sum()) if len(queue) else 0
    overdue = int((pd.to_datetime(calls["due_at"], utc=True) < pd.Timestamp(as_of)).sum()) if len(calls) else 0
    mild = int((queue["grade"] == "mild").sum()) if len(queue) else 0
    lines.append(safe.md("- **{calls:,} customers need a call today** ({severe:,} severe: senior agent with "
                         "compensation; {overdue:,} already past their due time); {mild:,} more get an automatic "
                         "apology.", calls=len(calls), severe=severe, overdue=overdue, mild=mild).data)
    from IPython.display import Markdown

    return Markdown("\n".join(lines))
