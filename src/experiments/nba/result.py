"""What 09 found: the shared ``Result`` shape (tables, metrics, publish)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.nba.config import Config
from experiments.nba.decide import NONE
from experiments.nba.driver_rule import DRIVER_RULE
from experiments.nba.learner import Ensemble
from experiments.nba.sources import Data

OUTPUT = "next_best_actions"
COLUMNS = ["customer_id", "action", "expected_gain", "cost", "reason", "control_group"]


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_") or "arm"


@dataclass
class Result:
    """Randomization checks, the learned effects on held-out customers, their scores and the decisions."""

    config: Config
    data: Data
    balance: pd.DataFrame
    srm_p_value: float
    effects: pd.DataFrame
    policy: pd.Series
    policies: pd.DataFrame
    policy_interval: tuple[float, float]
    qini: pd.DataFrame
    irr_nir: tuple[float, float, int] | None
    decisions: pd.DataFrame
    learner: Ensemble
    driver_rule_interval: tuple[float, float] | None = None
    """Bootstrap interval of 04's driver rule's IPW gain (company world; None elsewhere)."""
    call_capacity: int = 0
    """Care calls the decision allowed (0: no limit)."""
    call_capacity_source: str = "parameter"
    """Where ``call_capacity`` came from: "parameter", "07 staffing" or "none" (no limit: neither was given)."""

    @property
    def input(self):
        """The campaign table read (for the run info)."""
        return self.data.input

    @property
    def best_single(self) -> tuple[str, float]:
        """The single action that, sent to everyone, gains most (IPW), and its gain per customer."""
        single = self.policies[self.policies["policy"].str.startswith("everyone gets ")]
        top = single.loc[single["value_ipw"].idxmax()]
        return str(top["policy"]).removeprefix("everyone gets "), float(top["value_ipw"])

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Arms, balance, Qini, policy values and the decision list."""
        both = self.data.train.arm if self.data.crossfit else pd.concat([self.data.train.arm, self.data.test.arm])
        arms = both.value_counts().rename_axis("arm").reset_index(name="customers")
        arms["heldout_mean_outcome"] = arms["arm"].map(self.data.test.y.groupby(self.data.test.arm).mean())
        arms["cost"] = arms["arm"].map(self.data.costs).fillna(0.0)
        counts = self.decisions["action"].value_counts().rename_axis("action").reset_index(name="customers")
        worst = self.balance.assign(abs_smd=self.balance["smd"].abs()).sort_values("abs_smd", ascending=False)
        return {"arms": arms, "balance": worst.head(10).drop(columns="abs_smd"), "qini": self.qini,
                "policies": self.policies, "action_counts": counts, OUTPUT: self.decisions[COLUMNS]}

    def metrics(self) -> dict[str, Any]:
        """The keys documented in conf/runs.yaml for 09_next_best_action."""
        d = self.data
        n_campaign = len(d.train.X) if d.crossfit else len(d.train.X) + len(d.test.X)
        m: dict[str, Any] = {"n_campaign_customers": int(n_campaign),
                             "campaign_srm_p_value": round(float(self.srm_p_value), 6),
                             "balance_max_smd": round(float(self.balance["smd"].abs().max()), 6)}
        for row in self.qini.itertuples():
            k = _key(row.action)
            m[f"qini_{k}"], m[f"qini_{k}_low"], m[f"qini_{k}_high"] = (round(float(v), 6) for v in
                                                                       (row.qini, row.low, row.high))
        learned = float(self.policies.loc[0, "value_ipw"])
        m["policy_value_ipw"] = round(learned, 6)
        m["policy_value_ipw_low"], m["policy_value_ipw_high"] = (round(float(v), 6) for v in self.policy_interval)
        rule = self.policies[self.policies["policy"] == DRIVER_RULE]
        if len(rule) and self.driver_rule_interval is not None:
            m["driver_rule_value_ipw"] = round(float(rule["value_ipw"].iloc[0]), 6)
            m["driver_rule_value_ipw_low"], m["driver_rule_value_ipw_high"] = (
                round(float(v), 6) for v in self.driver_rule_interval)
        action, value = self.best_single
        m["best_single_action"], m["best_single_action_value_ipw"] = action, round(value, 6)
        for a in d.costs:
            m[f"n_actions_{_key(a)}"] = int((self.decisions["action"] == a).sum())
        m["expected_gain_total"] = round(float(self.decisions["expected_gain"].sum()), 2)
        chosen = (self.decisions["action"] != NONE) | self.decisions["control_group"]
        m["control_group_share"] = round(float(self.decisions["control_group"].sum() / max(int(chosen.sum()), 1)), 6)
        if self.irr_nir is not None:
            m["heldout_irr"], m["heldout_nir"] = round(self.irr_nir[0], 6), round(self.irr_nir[1], 2)
        m["n_heldout"] = int(len(d.test.X))
        if d.is_company_world:
            m["call_capacity_used"] = int(self.call_capacity)
        for arm, v in d.test.y.groupby(d.test.arm).mean().items():
            m[f"arm_value_{_key(arm)}"] = round(float(v), 6)
        return m

    def publish(self) -> Path | None:
        """Publish ``next_best_actions`` (contract in ``data.contracts.OUTPUT_SCHEMAS``)."""
        from experiments.data import processed

        table = self.decisions[COLUMNS].assign(expected_gain=lambda f: f["expected_gain"].astype(float).round(4),
                                               cost=lambda f: f["cost"].astype(float))
        return processed.publish_results({OUTPUT: table}, company_world=self.data.is_company_world)


__all__ = ["COLUMNS", "OUTPUT", "Result"]
