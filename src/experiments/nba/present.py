"""Text and tables of 09's report; data-derived text always goes through ``lab.report.safe``."""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import Markdown

from experiments.lab.report import safe
from experiments.nba.decide import CALLS_PER_AGENT_WEEK, NONE
from experiments.nba.result import Result


def answer(result: Result) -> Markdown:
    """Who gets what, what it is expected to earn, and how the learned policy scored on held-out customers."""
    m = result.metrics()
    d = result.decisions
    n_contact = int((d["action"] != NONE).sum())
    action, single = result.best_single
    held = "cross-fitted held-out" if result.data.crossfit else "held-out"
    text = (f"**{n_contact:,} of {len(d):,} customers get an action** (expected gain after costs "
            f"{m['expected_gain_total']:,.2f}); {int(d['control_group'].sum()):,} are kept as a random control group. "
            f"On {m['n_heldout']:,} {held} campaign customers the learned policy gains "
            f"{m['policy_value_ipw']:,.2f} per customer over sending nothing (95% interval "
            f"{m['policy_value_ipw_low']:,.2f} to {m['policy_value_ipw_high']:,.2f}); the best single action for "
            f"everyone, {safe.text(action)}, gains {single:,.2f}.")
    if "heldout_nir" in m:
        text += f" Exercise metrics on the held-out customers it targets: IRR {m['heldout_irr']:.4f}, NIR " \
                f"{m['heldout_nir']:,.2f}."
    return Markdown(text)


def randomization(result: Result) -> Markdown:
    """Is the campaign randomized: SRM p-value and the largest standardized mean difference."""
    m = result.metrics()
    ok = m["campaign_srm_p_value"] >= 0.001 and m["balance_max_smd"] <= 0.25
    verdict = "looks randomized" if ok else "may NOT be randomized: read the effects with care"
    return Markdown(f"The campaign {verdict}: sample-ratio p-value {m['campaign_srm_p_value']:.3f} (equal arm shares "
                    f"expected), largest standardized mean difference of a pre-treatment feature "
                    f"{m['balance_max_smd']:.3f} (below 0.1 is well balanced; 0.25 is the usual alarm).")


def qini_table(result: Result) -> pd.DataFrame:
    """Qini per action with its interval, in outcome units per customer."""
    q = result.qini.rename(columns={"qini": "Qini", "low": "95% low", "high": "95% high", "n": "customers"})
    return q.round({"Qini": 4, "95% low": 4, "95% high": 4})


def policy_table(result: Result) -> pd.DataFrame:
    """IPW gain per customer over sending nothing, every policy compared."""
    return result.policies.rename(columns={"value_ipw": "gain per customer (IPW)"}).round(4)


def call_capacity(result: Result) -> Markdown:
    """Where the cap on care calls came from (``call_capacity_source``) and what it was."""
    cap, source = result.call_capacity, result.call_capacity_source
    if source == "07 staffing":
        text = (f"Care calls capped at {cap:,} (source: 07 staffing): {result.data.agents_needed:,} agents needed "
                f"next week x {CALLS_PER_AGENT_WEEK} care calls per agent in the week after the send.")
    elif source == "parameter":
        text = f"Care calls capped at {cap:,} (source: parameter call_capacity)." if cap else \
            "Care calls not capped (source: parameter call_capacity = 0)."
    else:
        text = ("Care calls not capped (source: none): call_capacity was not given and 07 published no staffing "
                "table.")
    return Markdown(text)


def decisions(result: Result, top_n: int = 15) -> pd.DataFrame:
    """The first rows of the decision list (highest expected gain first)."""
    return result.decisions.head(top_n)


def truth_sentence(truth: dict[str, Any] | None) -> Markdown:
    """The policy against the planted truth (company world), or why there is none."""
    if not truth:
        return Markdown("No planted truth here (your own campaign): the held-out scores above are the evidence.")
    share = truth["policy_value_true"] / truth["oracle_value_true"] if truth["oracle_value_true"] else float("nan")
    return Markdown(f"True gain of the learned policy {truth['policy_value_true']:,.2f} per held-out customer, "
                    f"{share:.0%} of the oracle's {truth['oracle_value_true']:,.2f}; it would contact "
                    f"{truth['sleeping_dogs_contacted_share']:.0%} of the planted sleeping dogs.")
