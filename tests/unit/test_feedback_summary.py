"""The first screen: complaint trend per topic with the latest example, and the three headline sentences."""

from __future__ import annotations

import pandas as pd

from experiments.feedback import present, trend
from experiments.feedback.segment import tokenize


def _scored() -> pd.DataFrame:
    # as_of 2025-03-31; this period = the 30 days after 2025-03-01, the period before = the 30 days before that
    rows = [("2025-03-20", "delivery", "negative", "快递5天才到，电话 13812345678"),
            ("2025-03-25", "delivery", "negative", "still waiting for my parcel"),
            ("2025-03-10", "delivery", "negative", "late again"),
            ("2025-02-10", "delivery", "negative", "late"),
            ("2025-03-15", "app", "negative", "app crashes"),
            ("2025-02-05", "app", "negative", "app crashes at login"),
            ("2025-02-06", "app", "negative", "app crashes on pay"),
            ("2025-03-16", "app", "positive", "love the app")]
    return pd.DataFrame([{"created_at": pd.Timestamp(t, tz="UTC"), "topic_label": k, "sentiment": s, "text": x}
                         for t, k, s, x in rows])


def test_complaint_trend_counts_both_periods_and_keeps_the_latest_negative_example() -> None:
    tr = trend.complaint_trend(_scored(), pd.Timestamp("2025-03-31", tz="UTC"), 30)
    # delivery: 3 now (03-10, 03-20, 03-25), 1 before; app: 1 now (the positive text does not count), 2 before
    assert tr.index.tolist() == ["delivery", "app"]
    assert tr.loc["delivery", ["now", "before", "change"]].tolist() == [3, 1, 2]
    assert tr.loc["app", ["now", "before", "change"]].tolist() == [1, 2, -1]
    assert tr.loc["delivery", "share_now"] == 0.75
    assert tr.loc["delivery", "example"] == "still waiting for my parcel"  # the most recent negative text


def test_headline_and_table_mask_the_example_and_name_the_move() -> None:
    scored = _scored()
    scored.loc[1, "created_at"] = pd.Timestamp("2025-03-02", tz="UTC")  # now the Chinese text is the latest
    tr = trend.complaint_trend(scored, pd.Timestamp("2025-03-31", tz="UTC"), 30)
    queue = pd.DataFrame({"grade": ["severe", "moderate", "mild"],
                          "due_at": pd.to_datetime(["2025-03-30", "2025-04-02", "2025-04-02"], utc=True)})
    md = present.headline(tr, queue, pd.Timestamp("2025-03-31", tz="UTC"), 30, 7, 8).data
    assert "Most complaints this period are about delivery" in md and "up from 1" in md
    assert "快递5天才到" in md and "13812345678" not in md  # the phone number is masked
    assert "**2 customers need a call today** (1 severe" in md and "1 already past their due time" in md
    table = present.trend_table(tr)
    assert table["share of this period (%)"].tolist() == [75, 25]
    assert "13812345678" not in " ".join(table["latest example"])


def test_jieba_does_not_read_days_then_arrived_as_genius() -> None:
    words = tokenize("等了5天才到")
    assert "天才" not in words and "天" in words
