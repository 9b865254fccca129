"""04's driver rule, written once: from churn risk and its main driver to one retention action per customer.

04 (``churn.actions``) applies it to its risk list for its comparison column; 09 scores it on held-out campaign
customers next to the learned policy (``nba.driver_rule``). The rule, for customer i with churn probability p_i,
value v_i, cost c per contact and success rate s (the share of would-be churners a contact keeps, assumed):
- contact when the expected gain p_i x s x v_i - c is positive (``expected_gain``);
- risk tier by probability (``risk_tier``: ``high`` from the second cut, ``medium`` from the first);
- action by main driver and tier (``assign_actions``, see ``ACTIONS``): ``priority service`` when the main driver is
  service, ``care call`` when the tier is high, ``coupon`` otherwise; ``none`` when not contacted.
- The main driver is the family of the feature pushing the risk up most (``driver_group``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SERVICE = ("late_deliveries", "returns", "cancellations", "feedback_count", "low_rating_count", "negative_feedback",
           "severe_feedback", "days_since_feedback", "service_contacts", "unresolved_contacts",
           "low_satisfaction_contacts")
PRICE = ("discount_share",)
ENGAGEMENT = ("recency_days", "frequency_trend", "orders_last_90", "orders_prev_90", "monetary_trend",
              "spend_last_90", "spend_prev_90", "orders_total", "tenure_days")

ACTIONS = {
    "priority service": "the main reason is service (late deliveries, returns, complaints): fix it first",
    "care call": "high risk for another reason: a personal call from the care team",
    "coupon": "medium or low risk, or price-sensitive: a targeted coupon",
}
"""Action per contacted customer, in order of precedence, with the rule that assigns it."""
NONE = "none"


def driver_group(feature: str) -> str:
    """Return the driver family of a feature: ``service``, ``price``, ``engagement`` or ``other``."""
    if feature in SERVICE:
        return "service"
    if feature in PRICE:
        return "price"
    if feature in ENGAGEMENT:
        return "engagement"
    return "other"


def check_campaign(cost: float, success: float) -> None:
    """Raise ``ValueError`` unless ``cost`` >= 0 and ``success`` is in (0, 1]."""
    if cost < 0:
        raise ValueError(f"campaign_cost must be 0 or more, got {cost}")
    if not 0 < success <= 1:
        raise ValueError(f"campaign_success_rate must be in (0, 1], got {success}")


def expected_gain(p: np.ndarray, value: np.ndarray, cost: float, success: float) -> np.ndarray:
    """Return p * success * value - cost per customer (the expected profit of contacting them)."""
    check_campaign(cost, success)
    return np.asarray(p, float) * success * np.asarray(value, float) - cost


def risk_tier(p: np.ndarray, cuts: Sequence[float] = (0.3, 0.6)) -> np.ndarray:
    """Return ``low`` / ``medium`` / ``high`` per probability: high from ``cuts[1]``, medium from ``cuts[0]``."""
    lo, hi = float(cuts[0]), float(cuts[1])
    if not 0 <= lo < hi <= 1:
        raise ValueError(f"tier_cuts must be two increasing probabilities, got {list(cuts)}")
    p = np.asarray(p, float)
    return np.where(p >= hi, "high", np.where(p >= lo, "medium", "low"))


def assign_actions(contact: np.ndarray, tier: np.ndarray, main_driver: np.ndarray) -> np.ndarray:
    """Return the action per customer: ``none`` when not contacted, else ``priority service`` when the main
    driver is service, ``care call`` when the tier is high, ``coupon`` otherwise (see ``ACTIONS``)."""
    contact = np.asarray(contact, bool)
    action = np.where(np.asarray(main_driver) == "service", "priority service",
                      np.where(np.asarray(tier) == "high", "care call", "coupon"))
    return np.where(contact, action, NONE)


def rule_actions(p: np.ndarray, value: np.ndarray, main_driver: np.ndarray, cost: float, success: float,
                 cuts: Sequence[float]) -> np.ndarray:
    """The whole rule: contact on positive expected gain, then the action by main driver and tier."""
    return assign_actions(expected_gain(p, value, cost, success) > 0, risk_tier(p, cuts), main_driver)
