"""From churn risk to a contact list whose every call is worth its cost.

For customer i with churn probability p_i and value v_i (CLV when known, else recent annual spend):
- expected value at risk = p_i * v_i;
- expected gain of contacting = p_i * s * v_i - c, where c is ``campaign_cost`` per contact and s is
  ``campaign_success_rate``, the share of would-be churners the campaign keeps (assumed: contacting a customer who
  would have stayed gains nothing and costs c).
Sorting by expected gain and adding gains gives the expected-profit curve over the share contacted; it peaks where
the gain turns negative, so the profit-maximising cut-off is "contact every customer whose value at risk exceeds
c / s" (or the highest gains up to the team's capacity, ``max_contacts``, when that is smaller). Each contacted
customer gets one action by their main driver and risk tier (see ``assign_actions``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _check(cost: float, success: float) -> None:
    if cost < 0:
        raise ValueError(f"campaign_cost must be 0 or more, got {cost}")
    if not 0 < success <= 1:
        raise ValueError(f"campaign_success_rate must be in (0, 1], got {success}")


def expected_gain(p: np.ndarray, value: np.ndarray, cost: float, success: float) -> np.ndarray:
    """Return p * success * value - cost per customer (the expected profit of contacting them)."""
    _check(cost, success)
    return np.asarray(p, float) * success * np.asarray(value, float) - cost


def profit_curve(p: np.ndarray, value: np.ndarray, cost: float, success: float,
                 outcome: np.ndarray | None = None) -> pd.DataFrame:
    """Return the profit of contacting the k customers with the highest expected gain, for k = 0 .. n.

    Columns: ``contacted``, ``share_contacted``, ``expected_profit`` (cumulative expected gain) and, when the true
    ``outcome`` (1 = churned) is given, ``realised_profit`` = sum(outcome * success * value - cost) so far.
    """
    gain = expected_gain(p, value, cost, success)
    order = np.argsort(-gain, kind="stable")
    n = len(gain)
    out = pd.DataFrame({"contacted": np.arange(n + 1), "share_contacted": np.arange(n + 1) / max(n, 1),
                        "expected_profit": np.concatenate([[0.0], np.cumsum(gain[order])])})
    if outcome is not None:
        real = np.asarray(outcome, float)[order] * success * np.asarray(value, float)[order] - cost
        out["realised_profit"] = np.concatenate([[0.0], np.cumsum(real)])
    return out


def contact_mask(gain: np.ndarray, max_contacts: int = 0) -> np.ndarray:
    """Return True for the customers to contact: positive expected gain, and within the ``max_contacts`` highest
    gains when a capacity is given (0 = no limit; ties broken by position)."""
    gain = np.asarray(gain, float)
    chosen = gain > 0
    if max_contacts and chosen.sum() > max_contacts:
        keep = np.argsort(-gain, kind="stable")[:max_contacts]
        chosen = np.zeros(len(gain), bool)
        chosen[keep] = True
    return chosen


def choose_cutoff(p: np.ndarray, value: np.ndarray, cost: float, success: float,
                  max_contacts: int = 0) -> dict[str, float]:
    """Return the profit-maximising contact rule: contact everyone with positive expected gain (at most
    ``max_contacts`` of them, the highest gains, when the team's capacity is limited; 0 = no limit).

    Keys: ``value_at_risk_threshold`` (= cost / success), ``contacted``, ``share_contacted``, ``expected_profit``,
    ``worth_contacting`` (customers with positive gain, before any capacity limit).
    """
    gain = expected_gain(p, value, cost, success)
    chosen = contact_mask(gain, max_contacts)
    return {"value_at_risk_threshold": cost / success, "contacted": int(chosen.sum()),
            "share_contacted": float(chosen.mean()) if len(gain) else 0.0,
            "expected_profit": float(gain[chosen].sum()), "worth_contacting": int((gain > 0).sum())}


def rule_check(p: np.ndarray, value: np.ndarray, outcome: np.ndarray, cost: float, success: float) -> dict:
    """Apply the contact rule (positive expected gain) to customers with known ``outcome`` (1 = churned): return
    ``contacted``, ``expected_profit`` (their expected gains summed) and ``realised_profit`` = sum over the contacted
    of outcome * success * value - cost. Nobody with zero or negative expected gain is counted."""
    gain = expected_gain(p, value, cost, success)
    chosen = gain > 0
    real = np.asarray(outcome, float) * success * np.asarray(value, float) - cost
    return {"contacted": int(chosen.sum()), "expected_profit": float(gain[chosen].sum()),
            "realised_profit": float(real[chosen].sum())}


def risk_tier(p: np.ndarray, cuts: Sequence[float] = (0.3, 0.6)) -> np.ndarray:
    """Return ``low`` / ``medium`` / ``high`` per probability: high from ``cuts[1]``, medium from ``cuts[0]``."""
    lo, hi = float(cuts[0]), float(cuts[1])
    if not 0 <= lo < hi <= 1:
        raise ValueError(f"tier_cuts must be two increasing probabilities, got {list(cuts)}")
    p = np.asarray(p, float)
    return np.where(p >= hi, "high", np.where(p >= lo, "medium", "low"))


ACTIONS = {
    "priority service": "the main reason is service (late deliveries, returns, complaints): fix it first",
    "care call": "high risk for another reason: a personal call from the care team",
    "coupon": "medium or low risk, or price-sensitive: a targeted coupon",
}
"""Action per contacted customer, in order of precedence, with the rule that assigns it."""


def assign_actions(contact: np.ndarray, tier: np.ndarray, main_driver: np.ndarray) -> np.ndarray:
    """Return the action per customer: ``none`` when not contacted, else ``priority service`` when the main
    driver is service, ``care call`` when the tier is high, ``coupon`` otherwise (see ``ACTIONS``)."""
    contact = np.asarray(contact, bool)
    action = np.where(np.asarray(main_driver) == "service", "priority service",
                      np.where(np.asarray(tier) == "high", "care call", "coupon"))
    return np.where(contact, action, "none")


def action_table(scores: pd.DataFrame, cost: float, success: float, cuts: Sequence[float] = (0.3, 0.6),
                 max_contacts: int = 0) -> pd.DataFrame:
    """Return ``scores`` (needs ``churn_probability``, ``customer_value``, ``main_driver``) with ``tier``,
    ``value_at_risk``, ``expected_gain``, ``contact`` and ``action`` added, sorted by expected gain."""
    p, v = scores["churn_probability"].to_numpy(float), scores["customer_value"].to_numpy(float)
    out = scores.copy()
    out["tier"] = risk_tier(p, cuts)
    out["value_at_risk"] = p * v
    out["expected_gain"] = expected_gain(p, v, cost, success)
    out["contact"] = contact_mask(out["expected_gain"].to_numpy(), max_contacts)
    out["action"] = assign_actions(out["contact"].to_numpy(), out["tier"].to_numpy(),
                                   out["main_driver"].to_numpy())
    return out.sort_values(["expected_gain", "customer_id"], ascending=[False, True], kind="stable")
