"""Deciding the next best action of every current customer under the business rules.

Per customer the action with the largest expected gain (value x learned effect - cost), or none when no action gains.
Then, in this order: care first (a customer on the care queue gets the care action, whatever marketing would gain);
consent (an action needs a channel the customer can be reached on: a call needs a phone, anything else a phone or an
e-mail address); agent capacity (at most ``call_capacity`` calls, the next best action otherwise; 0 = no limit;
without the parameter 07's staffing figure sets it, see ``call_capacity``);
the budget (customers are taken by expected gain, highest first, while the total cost fits; 0 = no limit); the
contact cap (at most ``contact_cap`` customers contacted; 0 = no limit). Finally a random ``control_group_share`` of
the customers chosen for a marketing action get nothing and are marked, so the realised lift can be measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

NONE = "none"
CALL_ACTIONS = ("care call",)
"""Actions an agent delivers by phone (they use call capacity and need a phone number)."""


CALLS_PER_AGENT_WEEK = 20
"""Care calls one agent can make in the week after the send beside the inbound contacts 07 staffs for (four a working
day): without a ``call_capacity`` parameter the campaign's calls are capped at 07's ``agents_needed`` x this."""


def call_capacity(parameter: int | None, agents_needed: int | None) -> tuple[int, str]:
    """(care calls allowed, where the figure comes from): ``parameter`` when given (0 = no limit), "parameter";
    else 07's staffing figure x ``CALLS_PER_AGENT_WEEK``, "07 staffing"; else no limit (0), "none"."""
    if parameter is not None:
        return int(parameter), "parameter"
    if agents_needed is not None:
        return int(agents_needed) * CALLS_PER_AGENT_WEEK, "07 staffing"
    return 0, "none"


@dataclass(frozen=True)
class Rules:
    """The decision's limits."""

    budget: float
    call_capacity: int
    contact_cap: int
    control_group_share: float
    seed: int


def decide(effects: pd.DataFrame, costs: dict[str, float], value: float, rules: Rules,
           care: set[str] | None = None, reach: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per customer (``effects``' index): customer_id, action, expected_gain, cost, reason, control_group.

    ``care``: customer ids on the care queue; ``reach``: columns ``phone`` and ``email`` (bool) per customer, or None
    when every customer may be contacted on any channel.
    """
    care = care or set()
    net = pd.DataFrame({a: value * effects[a] - costs.get(a, 0.0) for a in effects.columns}, index=effects.index)
    if reach is not None:
        r = reach.reindex(net.index).fillna(False).astype(bool)
        for a in net.columns:
            ok = r["phone"] if a in CALL_ACTIONS else (r["phone"] | r["email"])
            net.loc[~ok.to_numpy(), a] = -np.inf
    netv = net.to_numpy()
    ranked = np.argsort(-netv, axis=1, kind="stable")
    names = net.columns.to_numpy()
    best = net.max(axis=1).to_numpy()
    order = np.argsort(-best, kind="stable")
    action = np.full(len(net), NONE, dtype=object)
    gain, cost = np.zeros(len(net)), np.zeros(len(net))
    reason = np.full(len(net), "no action is expected to gain more than it costs", dtype=object)
    calls, spent, contacted = 0, 0.0, 0
    care_action = next((a for a in names if a in CALL_ACTIONS), None)
    ids = net.index.astype(str).to_numpy()
    for i in order:  # one pass over customers in order of gain: capacity, budget and cap are running totals
        if ids[i] in care and care_action is not None:
            action[i], cost[i] = care_action, costs.get(care_action, 0.0)
            k = int(np.flatnonzero(names == care_action)[0])
            gain[i] = netv[i, k] if np.isfinite(netv[i, k]) else 0.0
            reason[i], calls = "on the care queue: care first, no marketing", calls + 1
            continue
        for j in ranked[i]:
            a = names[j]
            g = netv[i, j]
            if not g > 0:
                break
            if a in CALL_ACTIONS and rules.call_capacity and calls >= rules.call_capacity:
                continue
            c = costs.get(a, 0.0)
            if rules.budget and spent + c > rules.budget:
                reason[i] = "budget spent"
                break
            if rules.contact_cap and contacted >= rules.contact_cap:
                reason[i] = "contact cap reached"
                break
            action[i], gain[i], cost[i] = a, g, c
            reason[i] = f"{a}: expected gain {g:,.2f} after its cost {c:,.2f}"
            calls += a in CALL_ACTIONS
            spent, contacted = spent + c, contacted + 1
            break
    out = pd.DataFrame({"customer_id": ids, "action": action, "expected_gain": gain, "cost": cost,
                        "reason": reason, "control_group": False})
    marketing = out.index[(out["action"] != NONE) & ~out["customer_id"].isin(care)].to_numpy()
    rng = np.random.default_rng(rules.seed)
    held = rng.choice(marketing, int(round(rules.control_group_share * len(marketing))), replace=False) \
        if len(marketing) else np.array([], dtype=int)
    out.loc[held, "reason"] = "random control group: would get " + out.loc[held, "action"].astype(str)
    out.loc[held, ["action", "expected_gain", "cost"]] = [NONE, 0.0, 0.0]
    out.loc[held, "control_group"] = True
    return out.sort_values(["expected_gain", "customer_id"], ascending=[False, True], ignore_index=True)
