"""Feedback charts: titles state the finding computed from the data; Chinese topic words fall back to ids."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from experiments.feedback import charts  # noqa: E402


def test_sentiment_by_channel_title_names_the_most_negative_channel() -> None:
    # chat: 2 of 3 negative (67%); email: 1 of 2 (50%)
    df = pd.DataFrame({"channel": ["chat", "chat", "chat", "email", "email"],
                       "sentiment": ["negative", "negative", "positive", "negative", "neutral"]})
    fig = charts.sentiment_by_channel(df)
    assert fig.axes[0].get_title(loc="left") == "chat has the largest negative share (67%)"
    plt.close(fig)


def test_sentiment_over_time_compares_the_last_weeks_with_the_weeks_before() -> None:
    # 8 weekly points: first 4 weeks 25% negative, last 4 weeks 75% -> rose
    t = pd.date_range("2025-01-06", periods=8, freq="W-MON", tz="UTC").repeat(4)
    neg = [True] + [False] * 3
    sentiments = ["negative" if x else "positive" for x in neg * 4 + [not v for v in neg] * 4]
    fig = charts.sentiment_over_time(pd.DataFrame({"created_at": t, "sentiment": sentiments}))
    assert fig.axes[0].get_title(loc="left") == "Negative share rose: 75% over the last 4 weeks vs 25% before"
    plt.close(fig)
    assert charts.sentiment_over_time(pd.DataFrame({"created_at": [pd.NaT], "sentiment": ["negative"]})) is None


def test_care_chart_title_counts_calls() -> None:
    q = pd.DataFrame({"grade": ["severe", "moderate", "moderate", "mild"],
                      "action": ["senior", "call", "call", "apology"]})
    fig = charts.care_by_grade(q)
    assert fig.axes[0].get_title(loc="left") == "3 customers need a call-back, 1 of them severe"
    plt.close(fig)


def test_topic_tick_falls_back_to_the_id_without_a_chinese_font(monkeypatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: "")
    assert charts.topic_tick(3, "快递 · 物流") == "topic 3"
    assert charts.topic_tick(4, "refund · days") == "4: refund · days"
    monkeypatch.setattr(charts, "cjk_font", lambda: "Noto Sans CJK SC")
    assert charts.topic_tick(3, "快递 · 物流") == "3: 快递 · 物流"


def test_chinese_labels_render_without_missing_glyphs_when_a_cjk_font_is_installed() -> None:
    import io
    import warnings

    import pytest

    from experiments.lab import chart_style

    if not chart_style.cjk_font():
        pytest.skip("no font with Chinese glyphs installed (apt-get install fonts-wqy-microhei; .ci/run does)")
    assert chart_style.cjk_font() in plt.rcParams["font.family"]
    info = pd.DataFrame({"topic": [0, 1], "label": ["快递 · 物流 · 配送", "refund · 退款"], "size": [30, 10],
                         "share": [0.75, 0.25]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # matplotlib warns "Glyph ... missing from font(s) DejaVu Sans"
        fig = charts.topic_sizes(info)  # tight_layout measures the labels here
        fig.savefig(io.BytesIO(), format="png")
    assert "快递" in " ".join(t.get_text() for t in fig.axes[0].get_yticklabels())
    plt.close(fig)


def test_a_chinese_label_warns_about_missing_glyphs_without_the_cjk_fallback() -> None:
    # the check above can fail: with DejaVu Sans alone the same label does warn
    import io
    import warnings

    fig, ax = plt.subplots()
    ax.set_title("快递", fontfamily="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
    assert any("missing from font" in str(w.message) for w in caught)
