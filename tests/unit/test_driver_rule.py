"""04's driver rule, written once in ``common.driver_rule``: worked by hand, and the same objects 04 uses."""

import numpy as np

from experiments.churn import actions, reasons
from experiments.common import driver_rule


def test_rule_by_hand() -> None:
    p = np.array([0.9, 0.9, 0.4, 0.1, 0.05])
    value = np.array([1000.0, 1000.0, 2000.0, 10000.0, 100.0])
    driver = np.array(["service", "engagement", "price", "engagement", "service"])
    # expected gain p x 0.2 x value - 100: 80, 80, 60, 100, -99 -> the last is not contacted
    got = driver_rule.rule_actions(p, value, driver, cost=100.0, success=0.2, cuts=(0.3, 0.6))
    assert got.tolist() == ["priority service", "care call", "coupon", "coupon", "none"]
    assert driver_rule.driver_group("late_deliveries") == "service" and driver_rule.driver_group("x") == "other"


def test_one_copy_for_04() -> None:
    assert actions.assign_actions is driver_rule.assign_actions and actions.risk_tier is driver_rule.risk_tier
    assert actions.expected_gain is driver_rule.expected_gain and actions.ACTIONS is driver_rule.ACTIONS
    assert reasons.driver_group is driver_rule.driver_group
