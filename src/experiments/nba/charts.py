"""09's charts: titles state the finding, labels shown literally."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from experiments.lab import chart_style
from experiments.nba.result import Result


def policy_values(result: Result) -> Figure:
    """Gain per customer of every policy (IPW on held-out customers)."""
    v = result.policies.set_index("policy")["value_ipw"].sort_values()
    top = v.idxmax()
    return chart_style.bar_chart(v, f"Highest held-out gain: {top}", "gain per customer over sending nothing (IPW)",
                                 "policy")


def action_counts(result: Result) -> Figure:
    """How many current customers get each action."""
    counts = result.decisions["action"].value_counts().sort_values()
    if result.decisions["control_group"].any():
        counts = pd.concat([counts, pd.Series({"(of which control group)": int(result.decisions["control_group"]
                                                                                .sum())})])
    return chart_style.bar_chart(counts, f"{counts.drop('none', errors='ignore').idxmax()} is the most given action",
                                 "customers", "action")
