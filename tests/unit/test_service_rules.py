"""The company's service rules are written once (common.service_rules); notebook 07's parameters cell starts from
them (its defaults stay in that cell, so this test keeps the two from drifting apart)."""

from __future__ import annotations

from experiments.common import service_rules as rules
from experiments.lab.config import notebook_parameters


def test_the_notebook_defaults_are_the_company_rules() -> None:
    p = notebook_parameters("07_service_operations")
    assert {k: v for k, v in p["reply_targets"].items() if k != "default"} == dict(rules.REPLY_TARGETS_MINUTES)
    assert p["aht_minutes"] == dict(rules.HANDLING_MINUTES)
    assert (p["escalate_failure_run"], p["escalate_minutes"]) == (rules.ESCALATION_FAILURE_RUN,
                                                                  rules.ESCALATION_MINUTES)
    assert tuple(p["sensitive_keywords"]) == rules.SENSITIVE_KEYWORDS
    assert p["utc_offset_hours"] == rules.UTC_OFFSET_HOURS
    assert set(rules.SENSITIVE_KEYWORDS) <= set(p["negative_keywords"])  # a sensitive matter is also negative


def test_every_staffed_channel_has_a_reply_target() -> None:
    assert set(rules.HANDLING_MINUTES) <= set(rules.REPLY_TARGETS_MINUTES)
