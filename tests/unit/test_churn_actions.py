"""Retention actions: the profit maths worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.churn import actions


def test_expected_gain_and_cutoff_by_hand() -> None:
    # cost 10, success 0.5: gain = p * 0.5 * v - 10
    p, v = np.array([0.8, 0.5, 0.1, 0.9]), np.array([100.0, 100.0, 1000.0, 10.0])
    gain = actions.expected_gain(p, v, 10, 0.5)
    assert gain.tolist() == pytest.approx([30.0, 15.0, 40.0, -5.5])
    cut = actions.choose_cutoff(p, v, 10, 0.5)
    assert cut == {"value_at_risk_threshold": 20.0, "contacted": 3, "share_contacted": 0.75,
                   "expected_profit": pytest.approx(85.0), "worth_contacting": 3}


def test_profit_curve_peaks_at_the_cutoff() -> None:
    p, v = np.array([0.8, 0.5, 0.1, 0.9]), np.array([100.0, 100.0, 1000.0, 10.0])
    curve = actions.profit_curve(p, v, 10, 0.5, outcome=np.array([1, 0, 1, 1]))
    # order by gain: 40, 30, 15, -5.5 -> cumulative 0, 40, 70, 85, 79.5
    assert curve["expected_profit"].tolist() == pytest.approx([0, 40, 70, 85, 79.5])
    # realised: churner 1000 -> 0.5*1000-10 = 490; churner 100 -> 40; stayer -> -10; churner 10 -> -5
    assert curve["realised_profit"].tolist() == pytest.approx([0, 490, 530, 520, 515])
    best = int(curve["expected_profit"].idxmax())
    assert best == actions.choose_cutoff(p, v, 10, 0.5)["contacted"]


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError, match="campaign_success_rate"):
        actions.expected_gain(np.array([0.5]), np.array([1.0]), 1, 0)
    with pytest.raises(ValueError, match="campaign_cost"):
        actions.expected_gain(np.array([0.5]), np.array([1.0]), -1, 0.5)
    with pytest.raises(ValueError, match="tier_cuts"):
        actions.risk_tier(np.array([0.5]), (0.6, 0.3))


def test_tiers_and_actions() -> None:
    assert actions.risk_tier(np.array([0.1, 0.3, 0.59, 0.6, 0.95])).tolist() == [
        "low", "medium", "medium", "high", "high"]
    scores = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "churn_probability": [0.9, 0.7, 0.4, 0.05],
                           "customer_value": [100.0, 100.0, 100.0, 100.0],
                           "main_driver": ["engagement", "service", "price", "service"]})
    t = actions.action_table(scores, 5, 0.2).set_index("customer_id")
    # gains: 0.9*0.2*100-5 = 13; 9; 3; -4
    assert t["contact"].to_dict() == {"a": True, "b": True, "c": True, "d": False}
    assert t["action"].to_dict() == {"a": "care call", "b": "priority service", "c": "coupon", "d": "none"}
    assert t["value_at_risk"].to_dict() == pytest.approx({"a": 90, "b": 70, "c": 40, "d": 5})


def test_capacity_keeps_the_highest_gains() -> None:
    p, v = np.array([0.8, 0.5, 0.1, 0.9]), np.array([100.0, 100.0, 1000.0, 10.0])
    # gains 30, 15, 40, -5.5: capacity 2 keeps the 40 and the 30 -> profit 70; 3 of 4 were worth a call
    cut = actions.choose_cutoff(p, v, 10, 0.5, max_contacts=2)
    assert cut["contacted"] == 2 and cut["expected_profit"] == pytest.approx(70.0) and cut["worth_contacting"] == 3
    assert actions.contact_mask(np.array([30.0, 15.0, 40.0, -5.5]), 2).tolist() == [True, False, True, False]
    assert actions.contact_mask(np.array([30.0, -1.0]), 5).tolist() == [True, False]   # never a losing call


def test_rule_check_counts_only_customers_worth_a_call() -> None:
    # issue 20 item 1: the test check contacted one customer too many (the +inf "nobody contacted" row was counted
    # as a positive gain). Four test customers, value 1,000, cost 100, success 0.2: gains +80, +20, -20, -80.
    p = np.array([0.9, 0.6, 0.4, 0.1])
    value = np.full(4, 1000.0)
    churned = np.array([1, 0, 1, 0])
    check = actions.rule_check(p, value, churned, cost=100.0, success=0.2)
    assert check["contacted"] == 2                                   # the two positive gains, not the -20 one
    assert check["expected_profit"] == pytest.approx(80 + 20)
    assert check["realised_profit"] == pytest.approx((0.2 * 1000 - 100) + (0 - 100))   # 0, not 100
    # the same rule as the contact list's cut-off
    assert check["contacted"] == actions.choose_cutoff(p, value, 100.0, 0.2)["contacted"]
    assert actions.rule_check(p, value, churned, cost=1000.0, success=0.2) == {
        "contacted": 0, "expected_profit": 0.0, "realised_profit": 0.0}
