"""Escalation rules, containment, care-queue rows and FAQ gaps on hand-made conversations."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.common.errors import ParameterError
from experiments.common.service_rules import ESCALATION_FAILURE_RUN, ESCALATION_MINUTES, SENSITIVE_KEYWORDS
from experiments.lab.config import notebook_parameters
from experiments.service import bot, faq_gaps

COMPANY = bot.EscalationRules(ESCALATION_FAILURE_RUN, ESCALATION_MINUTES, SENSITIVE_KEYWORDS)  # the company's rules


def _convs() -> pd.DataFrame:
    # a: 3 failures in a row -> consecutive_failures; b: 301 s -> long_conversation; c: 300 s exactly -> nothing;
    # d: "我要投诉" and 2 failures in a row -> sensitive only; e: an email (no bot) with a complaint -> not a bot row;
    # f: "COMPLAINT" upper case and 400 s -> sensitive and long (counted under both, source sensitive)
    return pd.DataFrame({
        "contact_id": list("abcdef"), "customer_id": ["K1", "K1", "K2", None, "K3", "K4"],
        "channel": ["app_chat"] * 4 + ["email", "app_chat"],
        "opened_at": pd.to_datetime(["2025-06-20 10:00", "2025-06-25 10:00", "2025-06-25 11:00", "2025-06-26 09:00",
                                     "2025-06-26 09:00", "2025-06-10 09:00"], utc=True),
        "bot_turns": [4, 3, 3, 3, 0, 2], "bot_failures": [3, 0, 0, 2, 0, 0], "bot_max_fail_run": [3, 0, 0, 2, 0, 0],
        "bot_seconds": [100, 301, 300, 80, 0, 400],
        "text": ["发票怎么开", "help", "hi", "我要投诉", "I will file a complaint", "A COMPLAINT about you"],
        "handed_to_agent": [True, False, False, True, False, True],
        "resolved": [False, True, True, False, True, False], "topic": ["invoice", "refund", "refund", "delivery",
                                                                     "delivery", "invoice"],
    })


def test_each_rule_fires_on_its_boundary_and_only_for_bot_conversations() -> None:
    f = bot.escalation_flags(_convs(), COMPANY)
    assert f["consecutive_failures"].tolist() == [True, False, False, False, False, False]
    assert f["long_conversation"].tolist() == [False, True, False, False, False, True]
    assert f["sensitive"].tolist() == [False, False, False, True, False, True]  # the email row is not a bot row
    assert f["rule"].tolist()[:2] == ["consecutive_failures", "long_conversation"]
    assert pd.isna(f["rule"].iloc[2]) and f["rule"].iloc[5] == "sensitive"  # sensitive wins over duration
    looser = bot.escalation_flags(_convs(), bot.EscalationRules(2, 10, SENSITIVE_KEYWORDS))
    assert looser["consecutive_failures"].tolist() == [True, False, False, True, False, False]
    assert not looser["long_conversation"].any()


def test_containment_is_resolved_without_an_agent_over_bot_conversations() -> None:
    d = _convs()
    s = bot.bot_summary(d, bot.escalation_flags(d, COMPANY))
    # bot rows a b c d f (5); contained = not handed and resolved: b, c -> 2/5; handed a d f -> 3/5
    assert s["bot_conversations"] == 5
    assert s["bot_containment_rate"] == pytest.approx(0.4) and s["bot_handoff_rate"] == pytest.approx(0.6)
    assert s["n_escalated"] == 4 and s["n_escalated_not_handed"] == 1  # b was long but not handed over
    assert (s["n_escalated_sensitive"], s["n_escalated_long_conversation"]) == (2, 2)


def test_care_rows_take_unresolved_recent_escalations_of_known_customers() -> None:
    d = _convs()
    rows = bot.care_rows(d, bot.escalation_flags(d, COMPANY), pd.Timestamp("2025-06-30"),
                         window_days=14)
    # a (K1, unresolved, 10 days ago) in; b resolved; d anonymous; f opened 20 days ago -> out of the window
    assert rows["customer_id"].tolist() == ["K1"]
    assert rows.loc[0, "source"] == "consecutive_failures" and rows.loc[0, "grade"] == "moderate"
    assert rows.loc[0, "due_at"] == pd.Timestamp("2025-06-21 10:00", tz="UTC")  # last contact + 24 h
    assert list(rows.columns) == bot.CARE_COLUMNS
    wide = bot.care_rows(d, bot.escalation_flags(d, COMPANY), pd.Timestamp("2025-06-30"), 30)
    assert set(wide["customer_id"]) == {"K1", "K4"} and wide.loc[0, "grade"] == "severe"  # severe first


def test_the_care_queue_keeps_the_feedback_rows_and_replaces_an_earlier_service_run() -> None:
    feedback = pd.DataFrame({"customer_id": ["K9", "K8"], "source": ["feedback", "feedback"],
                             "grade": ["severe", "mild"], "cue": ["x", "y"]})
    mine = pd.DataFrame({"customer_id": ["K1"], "source": ["sensitive"], "grade": ["severe"]})
    once = bot.join_care_queue(feedback, mine)
    pd.testing.assert_frame_equal(once.iloc[:2], feedback, check_dtype=False)  # 05's rows, values unchanged
    assert once["customer_id"].tolist() == ["K9", "K8", "K1"] and pd.isna(once.loc[2, "cue"])
    again = bot.join_care_queue(once, mine)  # re-running does not duplicate the service rows
    assert again["customer_id"].tolist() == ["K9", "K8", "K1"]
    assert bot.join_care_queue(None, mine).equals(mine)


def test_bad_rules_are_stopped_by_the_runner_checks() -> None:
    # the range rules live in conf/runs.yaml checks: (applied before the notebook starts), not in bot.py
    with pytest.raises(ParameterError, match="escalate_failure_run"):
        notebook_parameters("07_service_operations", None, {"escalate_failure_run": 0})
    with pytest.raises(ParameterError, match="escalate_minutes"):
        notebook_parameters("07_service_operations", None, {"escalate_minutes": 0})


def test_faq_gaps_rank_by_volume_times_turn_failure_rate() -> None:
    # invoice: 2 conversations, turns 4 + 2 = 6, failures 3 -> rate 0.5, score 1.0
    # refund: 2 conversations, 6 turns, 0 failures -> 0; delivery: 1 conversation, 3 turns, 2 failures -> 0.667
    g = faq_gaps.faq_gaps(_convs())
    assert g.index.tolist() == ["invoice", "delivery", "refund"]
    assert g.loc["invoice", "gap_score"] == pytest.approx(1.0)
    assert g.loc["delivery", "gap_score"] == pytest.approx(2 / 3)
