"""Notebook 07's methods against the service log's planted truth (size small, seed 11; _truth/service.json)."""

from __future__ import annotations

import json

import pytest

from experiments.data.inputs import InputTable
from experiments.service import analyse, contacts


@pytest.fixture(scope="module")
def truth(small_raw) -> dict:
    return json.loads((small_raw / "_truth" / "service.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(small_clean, truth) -> analyse.ServiceResult:
    sc = small_clean.tables["service_contacts"]
    cols = {"contact_id": "conversation_id", "channel": "channel", "opened": "opened_at",
            "first_reply": "first_reply_at", "resolved": "resolved_at", "customer": "customer_id", "text": "text"}
    frame = contacts.build(InputTable(frame=sc, columns=cols, source="service_contacts", path=None, fingerprint="",
                                      extra={"company": True}))
    cfg = analyse.ServiceConfig(reply_targets={**truth["reply_targets_minutes"], "default": 240},
                                aht_minutes={"wechat_pm": 6, "weibo_pm": 6, "weibo_comment": 4, "hotline": 7,
                                             "email": 10}, incident=truth["incident"], backtest_origins=3)
    return analyse.analyse(frame, cfg)


def test_the_cleaning_quarantines_exactly_the_planted_impossible_rows(small_clean, truth) -> None:
    reasons = small_clean.quarantine.reasons()
    got = reasons[reasons["source"] == "service"].set_index("reason")["n_rows"].to_dict()
    assert got == truth["impossible_rows"]
    sc = small_clean.tables["service_contacts"]
    assert len(sc) == truth["contacts"] - sum(truth["impossible_rows"].values())
    assert sc["customer_id"].notna().sum() == sc["customer_ref"].notna().sum()  # every cited record maps


def test_the_weekend_breach_channel_is_found(result, truth) -> None:
    assert result.weekend.index[0] == truth["weekend_breach_channel"]
    assert result.weekend["gap"].iloc[0] > 0.4 and result.weekend["gap"].iloc[1] < 0.1


def test_the_escalation_rules_count_the_planted_conversations(result, truth) -> None:
    planted = truth["escalation_counts"]
    assert {k: result.bot[f"n_escalated_{k}"] for k in ("sensitive", "consecutive_failures", "long_conversation")} \
        == {k: planted[k] for k in ("sensitive", "consecutive_failures", "long_conversation")}
    assert result.bot["n_escalated"] == planted["any"]
    assert result.bot["bot_containment_rate"] == pytest.approx(truth["bot_contained"] / truth["bot_conversations"])


def test_the_knowledge_base_gap_ranks_first(result, truth) -> None:
    assert result.gaps.index[0] == truth["kb_gap_topic"]
    assert result.gaps["failure_rate"].iloc[0] > 3 * result.gaps["failure_rate"].iloc[1:].max()


def test_the_incident_is_flagged_within_two_days_with_few_false_alarms(result, truth) -> None:
    m = result.metrics
    assert m["alert_top_topic"] == truth["incident"]["topic"]
    assert m["incident_detection_delay_days"] is not None and m["incident_detection_delay_days"] <= 2
    assert m["false_alarm_rate"] < 0.002  # alerts per channel-topic-day, alpha 0.001 per test


def test_the_forecast_beats_seasonal_naive(result) -> None:
    bt = result.backtest
    assert len(bt) == 3 and bt["mase_ets"].mean() < bt["mase_seasonal_naive"].mean()
    assert result.metrics["agents_needed_next_week"] >= 5
