"""Notebook 07's methods against the service log's planted truth (size small, seeds 7, 11 and 42;
``_truth/service.json`` read through ``service.evaluation``)."""

from __future__ import annotations

import pytest

from experiments import service
from experiments.data.inputs import InputTable
from experiments.lab.config import notebook_parameters
from experiments.service import contacts, evaluation
from experiments.synthetic import generate_cached

SEEDS = (7, 11, 42)


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def world(request, worlds_root):
    from experiments.cleaning.pipeline import clean_company

    raw = generate_cached("small", request.param, worlds_root)
    clean = clean_company(raw, truth_dir=raw / "_truth")
    truth = evaluation.planted_truth(raw)
    sc = clean.tables["service_contacts"]
    table = InputTable(frame=sc, columns={"contact_id": "conversation_id", "channel": "channel",
                                          "opened": "opened_at", "first_reply": "first_reply_at",
                                          "resolved": "resolved_at", "customer": "customer_id", "text": "text"},
                       source="service_contacts", path=None, fingerprint="", extra={"company": True})
    cfg = service.Config.from_parameters(notebook_parameters("07_service_operations", "small"))
    result = service.run(cfg, service.Data(input=table, contacts=contacts.build(table, cfg.data_engine())))
    return {"clean": clean, "truth": truth, "result": result, "truth_metrics": evaluation.metrics(result, truth)}


def test_the_cleaning_quarantines_exactly_the_planted_impossible_rows(world) -> None:
    truth, clean = world["truth"], world["clean"]
    reasons = clean.quarantine.reasons()
    got = reasons[reasons["source"] == "service"].set_index("reason")["n_rows"].to_dict()
    assert got == truth["impossible_rows"]
    sc = clean.tables["service_contacts"]
    assert len(sc) == truth["contacts"] - sum(truth["impossible_rows"].values())
    assert sc["customer_id"].notna().sum() == sc["customer_ref"].notna().sum()  # every cited record maps


def test_the_notebook_targets_are_the_planted_ones(world) -> None:
    targets = notebook_parameters("07_service_operations", "small")["reply_targets"]
    assert {k: targets[k] for k in world["truth"]["reply_targets_minutes"]} == world["truth"]["reply_targets_minutes"]


def test_the_weekend_breach_channel_is_found(world) -> None:
    r = world["result"]
    assert r.weekend.index[0] == world["truth"]["weekend_breach_channel"]
    assert r.weekend["gap"].iloc[0] > 0.4 and r.weekend["gap"].iloc[1] < 0.1


def test_the_escalation_rules_count_the_planted_conversations(world) -> None:
    r, truth = world["result"], world["truth"]
    planted = truth["escalation_counts"]
    assert {k: r.bot[f"n_escalated_{k}"] for k in ("sensitive", "consecutive_failures", "long_conversation")} \
        == {k: planted[k] for k in ("sensitive", "consecutive_failures", "long_conversation")}
    assert r.bot["n_escalated"] == planted["any"]
    assert r.bot["bot_containment_rate"] == pytest.approx(truth["bot_contained"] / truth["bot_conversations"])


def test_the_knowledge_base_gap_ranks_first(world) -> None:
    r = world["result"]
    assert r.gaps.index[0] == world["truth"]["kb_gap_topic"]
    assert r.gaps["failure_rate"].iloc[0] > 3 * r.gaps["failure_rate"].iloc[1:].max()


def test_the_incident_is_flagged_within_two_days_with_few_false_alarms(world) -> None:
    m = world["result"].metrics() | world["truth_metrics"]
    assert m["alert_top_topic"] == world["truth"]["incident"]["topic"]
    assert m["incident_detection_delay_days"] is not None and m["incident_detection_delay_days"] <= 2
    assert m["false_alarm_rate"] < 0.002  # alerts per channel-topic-day, alpha 0.001 per test


def test_the_forecast_beats_seasonal_naive(world) -> None:
    r = world["result"]
    bt = r.backtest
    assert len(bt) == 3 and bt["mase_ets"].mean() < bt["mase_seasonal_naive"].mean()
    assert r.metrics()["agents_needed_next_week"] >= 5


def test_run_never_reads_the_truth_and_evaluation_adds_only_truth_keys(world) -> None:
    assert set(world["truth_metrics"]) == {"incident_detection_delay_days", "false_alarm_rate",
                                           "false_alarm_day_share"}
    assert not set(world["truth_metrics"]) & set(world["result"].metrics())
