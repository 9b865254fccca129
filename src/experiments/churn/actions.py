"""From churn risk to a contact list whose every call is worth its cost.

For customer i with churn probability p_i and value v_i (CLV when known, else recent annual spend):
- expected value at risk = p_i * v_i;
- expected gain of contacting = p_i * s * v_i - c, where c is ``campaign_cost`` per contact and s is
  ``campaign_success_rate``, the share of would-be churners the campaign keeps (assumed: contacting a customer who
  would have stayed gains nothing and costs c).
Sorting by expected gain and adding gains gives the expected-profit curve over the share contacted; it peaks where
the gain turns negative, so the profit-maximising cut-off is "contact every customer whose value at risk exceeds
c / s" (or the highest gains up to the team's capacity, ``max_contacts``, when that is smaller). Each contacted
customer gets one action by their main driver and risk tier (``assign_actions``). The rule itself (expected gain,
tiers, actions) lives once in ``common.driver_rule``, which 09 also scores against its learned policy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.common.driver_rule import ACTIONS, assign_actions, expected_gain, risk_tier


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


__all__ = ["ACTIONS", "action_table", "assign_actions", "choose_cutoff", "contact_mask", "expected_gain",
           "profit_curve", "risk_tier", "rule_check"]
