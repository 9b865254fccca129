"""Planted truth: the A/B analysis recovers what the synthetic company's generator planted in ad_events.

- ``exp_cvr_lift`` (+10% CVR per click, so +10% conversions per unit; CTR unchanged): the lift is detected and
  its interval covers the truth; the planted duplicates, units in both variants and wrong landing pages are
  counted exactly.
- ``exp_aa``: not called significant.
- ``exp_srm`` (6% of treatment units dropped by a logging bug): flagged.
- A/A simulations: fixed-horizon false-positive rate within sampling error of alpha, the always-valid sequence at
  most alpha, naive daily peeking inflated.

Size small (40,000 units per experiment; the tiny world's power for a 10% lift is only ~0.31) is generated with
``synthetic.ads.make_ad_events``, the function ``synthetic.generate`` calls for ``ad_events.csv`` (same rows and
truth for the same seed, ~1 s instead of ~12 s for the whole world). The notebook smoke run uses the tiny world
through the file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from experiments.abtest import units
from experiments.abtest.analysis import ABConfig, analyse, metrics
from experiments.abtest.simulate import simulate_aa
from experiments.synthetic import SIZES
from experiments.synthetic.ads import make_ad_events

SEED = 7


@pytest.fixture(scope="module")
def small_events() -> tuple[pd.DataFrame, dict]:
    return make_ad_events(SIZES["small"].exp_units, SEED)


def _analyse(events: pd.DataFrame, experiment: str) -> dict:
    sub = events[events["experiment_id"] == experiment].reset_index(drop=True)
    sub["converted"] = (sub["conversions"] > 0).astype(int)
    roles = units.fill_company_roles("", pre_metric_col="", time_col="", segment_cols=[], consistency_col="",
                                    planned_split=None)
    a = analyse(sub, ABConfig("unit_id", "variant", "control", units.COMPANY_METRICS, **roles), experiment)
    return metrics(a)


@pytest.fixture(scope="module")
def results(small_events) -> dict[str, dict]:
    events, _ = small_events
    return {exp: _analyse(events, exp) for exp in ("exp_cvr_lift", "exp_aa", "exp_srm")}


def test_real_lift_detected_and_covered(small_events, results):
    truth = small_events[1]["exp_cvr_lift"]
    m = results["exp_cvr_lift"]
    true_abs = truth["true_absolute_lift"]["conversions_per_unit"]  # 0.22 - 0.20 = 0.02 conversions per unit
    assert m["conversions_p_value_holm"] < 0.05
    assert m["conversions_ci_low"] < true_abs < m["conversions_ci_high"] and m["conversions_ci_low"] > 0
    assert m["conversions_rel_ci_low"] < truth["true_relative_lift"]["conversions_per_unit"] < m[
        "conversions_rel_ci_high"]
    # CVR per click (delta method): truth +0.01 (0.10 -> 0.11); CTR truth 0
    assert m["ratio_cvr_ci_low"] < truth["true_absolute_lift"]["cvr"] < m["ratio_cvr_ci_high"]
    assert m["ratio_cvr_p_value"] < 0.05
    assert m["ratio_ctr_ci_low"] < 0 < m["ratio_ctr_ci_high"]
    # CUPED covers the truth too and narrows the interval
    assert m["cuped_ci_low"] < true_abs < m["cuped_ci_high"] and m["cuped_ci_width_ratio"] < 0.9
    assert m["verdict"] == "ship" and not m["srm_flagged"]


def test_uplift_model_finds_the_planted_group(small_events, results):
    # the generator puts all of exp_cvr_lift's lift in units with interest = coffee (planned share 1/6)
    group = small_events[1]["exp_cvr_lift"]["uplift_group"]
    m = results["exp_cvr_lift"]
    assert m["uplift_top_group"] == f"{group['column']}={group['value']}"
    assert m["uplift_top_group_share"] > 3 * group["planned_share"]  # top decile far above the base share
    assert m["uplift_top_group_base_share"] == pytest.approx(group["planned_share"], abs=0.02)
    assert m["uplift_qini"] > 0 and m["uplift_auuc"] > 0


def test_assignment_faults_counted_exactly(small_events, results):
    truth = small_events[1]["exp_cvr_lift"]
    m = results["exp_cvr_lift"]
    assert m["n_removed_duplicates"] == truth["duplicate_rows"]
    assert m["n_units_multi_variant"] == truth["units_in_both_variants"]
    assert m["n_removed_mismatched_pairing"] == truth["wrong_landing_page_rows"]
    assert m["n_removed_inconsistent"] == 2 * truth["units_in_both_variants"] + truth["wrong_landing_page_rows"]


def test_aa_not_significant(results):
    m = results["exp_aa"]
    for metric in units.COMPANY_METRICS:
        assert m[f"{metric}_p_value_holm"] >= 0.05, metric
    assert m["seq_stop_day"] is None and m["verdict"] != "ship" and not m["srm_flagged"]


def test_srm_flagged(small_events, results):
    m = results["exp_srm"]
    assert m["srm_flagged"] and m["srm_p_value"] < 1e-6
    assert m["verdict"] == "do not ship" and "sample-ratio mismatch" in m["verdict_headline"]
    assert small_events[1]["exp_srm"]["srm_drop_rate"] > 0


def test_aa_simulation_false_positive_rates():
    # 2,000 A/A tests of 14 days at the company's planted conversion rate (0.2 per unit ~ 14% converted)
    sim = simulate_aa(n_sims=2000, days=14, units_per_day=700, rate=0.14, alpha=0.05, seed=SEED)
    se = sim.mc_se  # sqrt(.05 * .95 / 2000) = 0.0049
    assert abs(sim.fixed - 0.05) < 3 * se
    assert sim.sequential <= 0.05 + 2 * se
    assert sim.naive_peeking > 0.10


def test_company_world_file_and_tiny_truth(tiny_world: Path):
    events = units.company_world("exp_cvr_lift", tiny_world / "processed")
    truth = json.loads((tiny_world / "raw" / "_truth" / "experiments.json").read_text())["exp_cvr_lift"]
    assert {"converted", "clicked"} <= set(events.columns) and len(events) == truth["rows"]
    m = _analyse(events, "exp_cvr_lift")
    assert m["n_removed_duplicates"] == truth["duplicate_rows"]
    assert m["n_units_multi_variant"] == truth["units_in_both_variants"]
    with pytest.raises(units.DataInputError, match="experiment_id 'nope' not found"):
        units.company_world("nope", tiny_world / "processed")


@pytest.mark.slow
def test_notebook_smoke_company_world(world_env: Path, tmp_path: Path, tiny_world: Path):
    from experiments.lab.runner import execute_notebook

    out = tmp_path / "run"
    m = execute_notebook("06_ad_ab_analysis", {"experiment_id": "exp_srm", "aa_sims": 300}, out)
    truth = json.loads((tiny_world / "raw" / "_truth" / "experiments.json").read_text())["exp_srm"]
    for key in ("conversions_control_rate", "conversions_treatment_rate", "conversions_abs_lift", "conversions_ci_low",
                "conversions_ci_high", "conversions_p_value", "conversions_z", "converted_z", "srm_p_value",
                "n_control", "n_treatment", "n_removed_inconsistent", "n_removed_duplicates", "verdict"):
        assert key in m, key
    assert m["n_control"] + m["n_treatment"] == truth["rows"]
    assert m["n_control"] == truth["observed"]["units"]["control"]
    # SRM: Pearson's chi-square of the planted observed units against the registry's 50/50 (scipy as reference)
    observed = truth["observed"]["units"]
    ref = stats.chisquare([observed["control"], observed["treatment"]])
    assert m["srm_p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    # CVR per click of control equals the generator's observed figure; the planted lift is 0
    assert m["ratio_cvr_control"] == pytest.approx(truth["observed"]["cvr"]["control"], abs=1e-6)
    # conversions per unit: Welch's test on the rows of the processed table, scipy as the reference
    events = units.company_world("exp_srm", tiny_world / "processed")
    arm = events["variant"]
    welch = stats.ttest_ind(events.loc[arm == "treatment", "conversions"], events.loc[arm == "control", "conversions"],
                            equal_var=False)
    assert (m["conversions_z"], m["conversions_p_value"]) == pytest.approx((welch.statistic, welch.pvalue), rel=1e-9)
    # A/A keys: 300 simulations, Monte Carlo SE sqrt(.05 * .95 / 300) = 0.0126; naive peeking inflates the rate
    se = math.sqrt(0.05 * 0.95 / 300)
    assert abs(m["aa_fpr_fixed"] - 0.05) < 4 * se and m["aa_fpr_sequential"] <= 0.05 + 3 * se
    assert m["aa_fpr_naive_peeking"] > m["aa_fpr_fixed"] + 2 * se and m["aa_sims"] == 300
