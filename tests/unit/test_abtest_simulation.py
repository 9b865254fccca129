"""Issue 9: A/A and power simulations for every sequential rule, checked against the formulas they should meet.

The A/A test uses enough simulations (20,000: Monte Carlo SE of a 5% rate sqrt(.05 x .95 / 20000) = 0.154 pp) that
each valid rule's false-positive rate must be at most alpha + 3 SE, while naive daily peeking, the rule known to
inflate it (Johari et al. 2017), must be far above: a wrong boundary would fail the first, a broken simulation the
second. The power simulation's fixed test is checked against the normal-approximation power (statsmodels
NormalIndPower and ``power.power_unequal``), the group-sequential rules against the recursive-integration crossing
probabilities of ``groupseq`` under the same drift, all within 4 Monte Carlo SE.
"""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.power import NormalIndPower
from test_abtest_support import run_frame as _run

from experiments.abtest import groupseq, present
from experiments.abtest.power import power_unequal
from experiments.abtest.simulate import (
    POWER_RULES,
    PowerSimulation,
    look_days,
    power_metrics,
    simulate_aa,
    simulate_power,
)

N_SIMS = 20_000


@pytest.mark.parametrize(("days", "units_per_day", "rate", "looks", "seed"),
                         [(14, 300, 0.05, 5, 1), (14, 700, 0.14, 5, 2), (21, 200, 0.03, 3, 3)])
def test_every_sequential_rule_keeps_the_aa_false_positive_rate_at_or_below_alpha(days, units_per_day, rate, looks,
                                                                                   seed):
    sim = simulate_aa(n_sims=N_SIMS, days=days, units_per_day=units_per_day, rate=rate, alpha=0.05, seed=seed,
                      looks=looks)
    tol = 3 * sim.mc_se  # 0.46 pp
    assert sim.mc_se == pytest.approx(math.sqrt(0.05 * 0.95 / N_SIMS))
    for rule in ("sequential", "obrien_fleming", "pocock"):
        assert getattr(sim, rule) <= 0.05 + tol, rule
    assert abs(sim.fixed - 0.05) <= tol
    assert sim.naive_peeking > 0.05 + 20 * sim.mc_se  # daily peeking inflates it (about 20% with 14 looks)


def test_simulated_fixed_power_matches_the_formula_and_statsmodels():
    # 14 days x 300 units per arm, 5% vs 6.3%: pooled z-test power by the normal approximation
    pw = simulate_power(n_sims=N_SIMS, days=14, units_per_day=300, rate=0.05, relative_lift=0.26, seed=4)
    n, p_c, p_t = 14 * 300, 0.05, 0.05 * 1.26
    formula = power_unequal(p_c, p_t, n, n, 0.05)
    pbar = (p_c + p_t) / 2
    sm = NormalIndPower().power(effect_size=(p_t - p_c) / math.sqrt(pbar * (1 - pbar)), nobs1=n, alpha=0.05)
    assert pw.analytic_fixed == pytest.approx(formula)
    assert abs(pw.power["fixed"] - formula) < 4 * pw.rate_se(formula)
    assert abs(pw.power["fixed"] - sm) < 4 * pw.rate_se(sm)
    assert pw.mean_stop_day["fixed"] == 14 and pw.mean_n_per_group["fixed"] == n


@pytest.mark.parametrize("method", ["obrien_fleming", "pocock"])
def test_simulated_group_sequential_power_matches_the_crossing_probabilities(method):
    days, per_day, looks = 14, 300, 5
    pw = simulate_power(n_sims=N_SIMS, days=days, units_per_day=per_day, rate=0.05, relative_lift=0.26, seed=5,
                        looks=looks)
    ld = look_days(days, looks)  # days 3, 6, 9, 12, 14: information fractions ld / 14
    bounds = groupseq.spending_boundaries(len(ld), 0.05, method, ld / days)
    pbar = 0.05 * (2 + 0.26) / 2  # pooled rate of 5% and 6.3%
    drift = 0.05 * 0.26 / math.sqrt(2 * pbar * (1 - pbar) / (days * per_day))  # the fixed z at full information
    cross = groupseq.crossing_probabilities(bounds, ld / days, drift=drift)
    analytic = float(cross.sum())
    assert abs(pw.power[method] - analytic) < 4 * pw.rate_se(analytic)
    # mean stopping day: sum_k P(stop at look k) day_k + P(never) x last day (to within 0.15 day)
    stop = float((cross * ld).sum() + (1 - analytic) * days)
    assert pw.mean_stop_day[method] == pytest.approx(stop, abs=0.15)
    assert pw.mean_stop_day[method] < days and pw.power[method] < pw.power["fixed"]  # earlier, at some power


def test_power_keys_are_not_swapped_and_are_null_when_skipped():
    pw = PowerSimulation(100, 0.05, 14, 300, 0.05, 0.06, 5, dict(zip(POWER_RULES, (0.8, 0.4, 0.7, 0.6), strict=True)),
                         dict(zip(POWER_RULES, (14.0, 12.0, 11.0, 10.0), strict=True)),
                         dict(zip(POWER_RULES, (4200.0, 3600.0, 3300.0, 3000.0), strict=True)), 0.79)
    m = power_metrics(pw)
    assert (m["power_sim_fixed"], m["power_sim_sequential"], m["power_sim_obrien_fleming"], m["power_sim_pocock"]) == (
        0.8, 0.4, 0.7, 0.6)
    assert (m["power_sim_pocock_mean_stop_day"], m["power_sim_sequential_mean_n"]) == (10.0, 3600.0)
    assert m["power_sim_lift_rel"] == pytest.approx(0.2) and m["power_sims"] == 100
    assert all(v is None for k, v in power_metrics(None).items() if k != "power_sims")


def test_the_notebook_simulations_mirror_the_experiment_and_plant_its_mde():
    # 1,400 + 1,400 units, 10% vs 12% converted, no daily view: 14 days x 100 units per arm at the 10% control rate
    df = pd.DataFrame({"u": range(2800), "v": ["c"] * 1400 + ["t"] * 1400,
                       "y": ([1] * 140 + [0] * 1260) + ([1] * 168 + [0] * 1232)})
    a = _run(df, "u", "v", "c", ["y"], seed=3, aa_sims=4000)
    pw = a.power_sim
    assert (pw.days, pw.units_per_day, pw.rate_control) == (14, 100, pytest.approx(0.1))
    assert pw.analytic_fixed == pytest.approx(0.8, abs=1e-6)  # the MDE is planted: 80% power by construction
    assert abs(pw.power["fixed"] - 0.8) < 4 * pw.rate_se(0.8)
    m = a.metrics()
    assert m["power_sims"] == 4000 and m["power_sim_fixed"] == pw.power["fixed"] and m["aa_sims"] == 4000
    table = present.simulation_table(a.aa, pw)
    assert table["rule"].tolist()[0].startswith("fixed") and len(table) == 5
    assert table.loc[1, "power at the MDE (± MC SE)"] == "—"  # naive peeking is not a valid rule: no power row
    assert _run(df, "u", "v", "c", ["y"], seed=3).power_sim is None  # aa_sims 0 skips both simulations


def test_aa_sentence_reads_its_claim_from_the_rates():
    from experiments.abtest.simulate import AASimulation

    ok = AASimulation(20_000, 0.05, 0.0516, 0.2191, 0.0107, 0.0514, 0.0517)  # the small run: all within 2 SE
    assert "every rule except naive peeking stays at or below alpha" in present.aa_sentence(ok)
    assert "4.4-fold" in present.aa_sentence(ok)
    bad = AASimulation(20_000, 0.05, 0.0501, 0.2191, 0.0107, 0.0499, 0.0575)  # Pocock 5.75%: 4.9 SE above alpha
    text = present.aa_sentence(bad)
    assert "above alpha by more than 2 Monte Carlo SE: Pocock" in text and "every rule" not in text
    assert "5.75% (SE 0.16%)" in text


def test_ratios_table_never_shows_a_rounded_zero_p_value():
    from experiments.abtest import funnel

    rng = np.random.default_rng(8)
    n = 4000
    clicks = rng.poisson(2.0, n)
    df = pd.DataFrame({"u": range(n), "v": np.repeat(["c", "t"], n // 2), "impressions": clicks * 12 + 5,
                       "clicks": clicks, "conversions": rng.binomial(clicks, np.repeat([0.10, 0.14], n // 2))})
    a = _run(df, "u", "v", "c", ["conversions"])
    p_cvr = float(a.ratios.loc[(a.ratios["ratio"] == "cvr") & (a.ratios["variant"] == "t"), "p_value"].iloc[0])
    assert p_cvr < 5e-6  # would print as 0 after rounding to 5 decimals
    shown = present.ratios_table(a)
    row = shown[(shown["ratio"] == "CVR") & (shown["variant"] == "t")].iloc[0]
    assert row["p"] == f"{p_cvr:.3g}" and row["p"] != "0"
    assert (shown.loc[shown["variant"] == "c", "abs lift"] == "").all()  # no NaN cells on the control's rows
    assert set(shown["ratio"]) == {r.upper() for r in funnel.RATIOS if r in ("ctr", "cvr")}


def test_a_numeric_deciding_metric_makes_the_simulations_illustrative():
    # a 0/1 metric is simulated at its own control rate; a numeric one (revenue per unit) at the illustrative 5%
    df = pd.DataFrame({"u": range(2800), "v": ["c"] * 1400 + ["t"] * 1400,
                       "y": ([1] * 140 + [0] * 1260) + ([1] * 168 + [0] * 1232),
                       "revenue": [float(i % 17) for i in range(2800)]})
    binary = _run(df, "u", "v", "c", ["y"], seed=3)
    numeric = _run(df, "u", "v", "c", ["revenue"], seed=3)
    assert not binary.simulations_illustrative and binary.simulated_design()["rate"] == pytest.approx(0.1)
    assert numeric.simulations_illustrative and numeric.simulated_design()["rate"] == 0.05
