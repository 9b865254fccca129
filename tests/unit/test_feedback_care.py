"""Graded care: text grades from cues, softeners, repeated contacts, the care queue and its rules."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.feedback import care


@pytest.mark.parametrize(("text", "grade"), [
    ("我要投诉！", "severe"),
    ("已经向消协反映了", "severe"),
    ("I will report this to the regulator", "severe"),
    ("Never ordering here again.", "severe"),
    ("真的很失望！", "moderate"),
    ("有点小失望。", "mild"),  # softener 有点小 before 失望
    ("稍微有点不满意", "mild"),
    ("Really disappointed!", "moderate"),
    ("A bit disappointing.", "mild"),
    ("This is not the first time.", "moderate"),
    ("I want a refund", "moderate"),
    ("申请退款5天了还没到账", "mild"),  # the refund topic alone is not a cue
    ("the app crashes on launch", "mild"),
    ("有点失望，我要投诉", "severe"),  # the highest cue wins
])
def test_grade_text(text: str, grade: str) -> None:
    assert care.grade_text(text)[0] == grade


def test_grade_texts_only_grades_negatives() -> None:
    out = care.grade_texts(pd.Series(["我要投诉", "我要投诉"]), pd.Series([True, False]))
    assert out["grade"].tolist() == ["severe", ""]
    assert out["cue"].iat[0] == "投诉"


def test_custom_cues_replace_the_defaults() -> None:
    rules = care.CareRules(cues={"severe": ["lawsuit"], "moderate": []})
    assert care.grade_text("我要投诉", rules)[0] == "mild"
    assert care.grade_text("see you in a lawsuit", rules)[0] == "severe"


def test_repeated_negative_worked_example() -> None:
    # customer a: days 1, 5, 12 -> the third contact is within 14 days of the first (11 days) -> True
    # customer b: days 1, 5, 20 -> the third is 19 days after the first -> False; c has two contacts only.
    t0 = pd.Timestamp("2025-01-01", tz="UTC")
    days = [1, 5, 12, 1, 5, 20, 1, 2]
    cust = ["a", "a", "a", "b", "b", "b", "c", "c"]
    times = pd.Series([t0 + pd.Timedelta(days=d) for d in days])
    assert care.repeated_negative(pd.Series(cust), times, 3, 14).tolist() == [
        False, False, True, False, False, False, False, False]


def _scored() -> pd.DataFrame:
    t0 = pd.Timestamp("2025-06-01", tz="UTC")
    rows = [  # customer, day, sentiment, text
        ("a", 1, "negative", "物流太慢"), ("a", 3, "negative", "还是没到"), ("a", 6, "negative", "客服不回复"),
        ("b", 8, "negative", "我要投诉！联系我 zhang@example.com 13800138000"),
        ("c", 9, "negative", "有点小失望"), ("c", 9, "positive", "不过东西不错"),
        ("d", 9, "positive", "很好"), (None, 9, "negative", "我要投诉"),
        ("e", -60, "negative", "我要投诉"),  # outside the 30-day window
    ]
    df = pd.DataFrame(rows, columns=["customer_id", "day", "sentiment", "text"])
    df["created_at"] = [t0 + pd.Timedelta(days=d) for d in df["day"]]
    df["feedback_id"] = [f"F{i}" for i in range(len(df))]
    df["channel"] = "chat"
    g = care.grade_texts(df["text"], df["sentiment"].eq("negative"))
    return df.assign(grade=g["grade"], cue=g["cue"])


def test_care_queue_grades_escalates_and_masks() -> None:
    q = care.care_queue(_scored(), care.CareRules(), pd.Timestamp("2025-06-10", tz="UTC"), "test")
    by = q.set_index("customer_id")
    # b: a complaint keyword -> severe; a: three mild negatives within 14 days -> mild raised to moderate;
    # c: one mild negative; d: only positive; the anonymous row and e (too old) are not in the queue.
    assert by["grade"].to_dict() == {"b": "severe", "a": "moderate", "c": "mild"}
    assert list(q["customer_id"]) == ["b", "a", "c"]  # most severe first
    assert "3+ negative contacts within 14 days" in by.loc["a", "reason"]
    assert by.loc["a", "n_negative"] == 3
    assert by.loc["b", "action"] == "senior agent with compensation"
    assert by.loc["b", "due_at"] == pd.Timestamp("2025-06-09", tz="UTC") + pd.Timedelta(hours=4)
    assert "zhang@example.com" not in by.loc["b", "texts"] and "13800138000" not in by.loc["b", "texts"]
    assert (q["source"] == "test").all()
    assert care.counts(q) == {"care_mild": 1, "care_moderate": 1, "care_severe": 1}


def test_min_grade_and_window_rules() -> None:
    rules = care.CareRules(min_grade="moderate", window_days=0)
    q = care.care_queue(_scored(), rules, pd.Timestamp("2025-06-10", tz="UTC"), "test")
    assert sorted(q["customer_id"]) == ["a", "b", "e"]  # e counts without a window; c (mild) is below min_grade


def test_empty_queue_has_the_columns() -> None:
    df = _scored().assign(sentiment="positive")
    q = care.care_queue(df, care.CareRules(), pd.Timestamp("2025-06-10", tz="UTC"), "test")
    assert q.empty and "due_at" in q.columns
    assert care.counts(q) == {"care_mild": 0, "care_moderate": 0, "care_severe": 0}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"actions": {"mild": "x"}}, "care_actions"),
    ({"due_hours": {"mild": 1, "moderate": 2}}, "care_due_hours"),
    ({"cues": {"critical": ["x"]}}, "care_keywords"),
])
def test_care_rules_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        care.CareRules(**kwargs)


@pytest.mark.parametrize(("key", "value"), [("care_min_grade", "urgent"), ("care_repeat_contacts", 1),
                                            ("care_repeat_days", 0), ("care_window_days", -1)])
def test_care_ranges_are_the_runners_checks(key: str, value: object) -> None:
    from experiments.common.errors import ParameterError
    from experiments.lab.config import notebook_parameters

    with pytest.raises(ParameterError, match=key):
        notebook_parameters("05_feedback_topics_sentiment", None, {key: value})
