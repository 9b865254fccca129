"""09 against the planted campaign on small worlds, seeds 7, 11, 42: the company world is cleaned by 01's
``clean_company``, the campaign by ``cleaning.campaigns``, then ``nba.run`` and ``nba.evaluation`` once per seed.

Measured (this commit; 5-fold cross-fitted held-out, notebook defaults at profile small: 10 bagged X-learners,
an action sent only when value x (mean effect - 0.5 x spread across the bags) - cost > 0):
seed 7: policy true 68.7 of oracle 92.6 (74%), 4.98x the best single action, sleeping dogs contacted 9.3%,
every Qini interval starts at 4.4 or more; seed 11: 69.2 of 98.5 (70%), 9.9x, 9.4%, 2.9;
seed 42: 69.4 of 96.8 (72%), 4.6x, 2.6%, 5.8. The issue's bars hold on all three seeds (seed 11's share of the
oracle by a thin margin: 70.3%).
"""

import numpy as np
import pytest

from experiments import nba
from experiments.cleaning.campaigns import clean_campaigns, ref_map
from experiments.data import catalog
from experiments.data.tables import read_table
from experiments.lab.config import notebook_parameters
from experiments.nba import evaluation, sources
from experiments.synthetic import generate_cached

SEEDS = (7, 11, 42)


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def analysed(request, worlds_root):
    from experiments.cleaning.pipeline import clean_company

    raw = generate_cached("small", request.param, worlds_root)
    clean = clean_company(raw)
    entry = catalog.entry("campaigns")
    campaign, quarantine = clean_campaigns(read_table(raw / entry.filename, dtype=str), dict(entry.columns),
                                           ref_map(clean.tables["customers"]))
    cfg = nba.Config.from_parameters(notebook_parameters("09_next_best_action", "small", {"n_bootstrap": 100}))
    result = nba.run(cfg, sources.company_data(cfg, clean.tables, campaign, len(quarantine)))
    return result, raw, quarantine


def test_campaign_is_cleaned_and_randomized(analysed) -> None:
    result, raw, quarantine = analysed
    import pandas as pd

    truth = pd.read_csv(raw / "_truth" / "campaign.csv")
    m = result.metrics()
    reasons = quarantine["reason"].value_counts()
    assert reasons.get("duplicate_send") == 3  # the planted re-sent rows
    # two campaign persons merged into one customer by entity resolution (seed 11: 1 row): the first send is kept
    assert set(reasons.index) <= {"duplicate_send", "customer_sent_twice"} and reasons.sum() <= 3 + 0.01 * len(truth)
    assert m["n_campaign_customers"] >= 0.97 * len(truth)  # nearly every campaign customer maps to a customer
    assert m["campaign_srm_p_value"] > 0.001 and m["balance_max_smd"] < 0.3


def test_learned_policy_against_the_truth(analysed) -> None:
    result, raw, _ = analysed
    truth = evaluation.compare_with_planted(result, raw / "_truth")
    single = evaluation.single_action_values(result, raw / "_truth")
    assert truth["policy_value_true"] >= 0.7 * truth["oracle_value_true"]
    assert truth["policy_value_true"] >= 1.3 * max(single.max(), 0.0)
    assert truth["sleeping_dogs_contacted_share"] < 0.10


def test_learned_policy_beats_the_driver_rule(analysed) -> None:
    """Issue 22: 04's driver rule scored on the same held-out customers (IPW) gains no more than the learned policy.
    Measured (small, n_bootstrap 100): learned 43.8 / 96.2 / 95.5 vs driver rule 32.5 / 21.2 / 7.3 (seeds 7/11/42)."""
    result, _, _ = analysed
    m = result.metrics()
    assert m["driver_rule_value_ipw_low"] <= m["driver_rule_value_ipw"] <= m["driver_rule_value_ipw_high"]
    assert m["policy_value_ipw"] >= m["driver_rule_value_ipw"]


def test_qini_of_the_best_ranked_action_is_positive(analysed) -> None:
    result, _, _ = analysed
    q = result.qini.set_index("action")
    best = q["qini"].idxmax()
    assert q.loc[best, "qini"] > 0 and q.loc[best, "low"] > 0  # the bar: the interval above 0
    assert np.isfinite(q[["low", "high"]].to_numpy()).all() and (q["low"] <= q["high"]).all()


def test_decisions_follow_the_rules(analysed) -> None:
    result, _, _ = analysed
    d = result.decisions
    assert d["customer_id"].is_unique and (d.loc[d["control_group"], "action"] == "none").all()
    chosen = (d["action"] != "none") | d["control_group"]
    assert abs(d["control_group"].sum() / chosen.sum() - 0.1) < 0.01
    marketing = (d["action"] != "none") & ~d["reason"].str.startswith("on the care queue")
    assert marketing.any() and (d.loc[marketing, "expected_gain"] > 0).all()
