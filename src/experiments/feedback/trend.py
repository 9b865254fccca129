"""The complaint trend: negative texts per topic in the last ``period_days`` before ``as_of`` and in the period
before (``present.headline`` and ``present.trend_table`` show it on the first screen)."""

from __future__ import annotations

import pandas as pd


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
