"""Group-sequential alpha spending against published boundaries, the A/A false-positive rate of every sequential
rule, and the days-remaining arithmetic."""

import math

import numpy as np
import pandas as pd
import pytest

from experiments.abtest import groupseq
from experiments.abtest.simulate import simulate_aa


def test_spending_functions_spend_alpha_by_the_end():
    for method in groupseq.METHODS:
        assert float(groupseq.spending(1.0, 0.05, method)) == pytest.approx(0.05)
        assert float(groupseq.spending(0.0, 0.05, method)) == 0.0
    assert float(groupseq.spending(0.2, 0.05, "obrien_fleming")) < 1e-5 < float(groupseq.spending(0.2, 0.05, "pocock"))


def test_lan_demets_boundaries_match_the_published_ones():
    # K = 5 equally spaced looks, two-sided alpha 0.05 (Reboussin, DeMets, Kim & Lan 2000, ld98; gsDesign sfLDOF /
    # sfLDPocock): O'Brien-Fleming type 4.8769, 3.3569, 2.6803, 2.2898, 2.0310; Pocock type 2.4380, 2.4268,
    # 2.4101, 2.3966, 2.3859
    obf = groupseq.spending_boundaries(5, 0.05, "obrien_fleming")
    assert obf == pytest.approx([4.8769, 3.3569, 2.6803, 2.2898, 2.0310], abs=5e-4)
    pocock = groupseq.spending_boundaries(5, 0.05, "pocock")
    assert pocock == pytest.approx([2.4380, 2.4268, 2.4101, 2.3966, 2.3859], abs=5e-4)
    # the boundaries spend exactly alpha under H0
    assert groupseq.crossing_probabilities(obf, np.arange(1, 6) / 5).sum() == pytest.approx(0.05, abs=1e-6)


def test_classical_designs_match_jennison_turnbull_tables():
    # Jennison & Turnbull (2000) table 2.1: Pocock C_P(K, 0.05) = 2.178 (K=2), 2.413 (K=5); table 2.3:
    # O'Brien-Fleming C_B(K, 0.05) = 1.977 (K=2), 2.040 (K=5), boundaries C_B sqrt(K / k)
    assert groupseq.constant_boundary(2, 0.05, "pocock")[0] == pytest.approx(2.178, abs=1e-3)
    pocock5 = groupseq.constant_boundary(5, 0.05, "pocock")
    assert pocock5[0] == pytest.approx(2.413, abs=1e-3)
    assert groupseq.constant_boundary(2, 0.05, "obrien_fleming")[-1] == pytest.approx(1.977, abs=1e-3)
    obf5 = groupseq.constant_boundary(5, 0.05, "obrien_fleming")
    assert obf5[-1] == pytest.approx(2.040, abs=1e-3) and obf5[0] == pytest.approx(2.040 * math.sqrt(5), abs=3e-3)
    # maximum sample over the fixed one at power 0.8 (tables 2.2 and 2.4): R_P(5) = 1.229, R_B(5) = 1.028
    assert groupseq.inflation(pocock5) == pytest.approx(1.229, abs=2e-3)
    assert groupseq.inflation(obf5) == pytest.approx(1.028, abs=2e-3)


def test_every_sequential_rule_keeps_the_false_positive_rate_at_alpha():
    sim = simulate_aa(n_sims=2000, days=14, units_per_day=400, rate=0.1, alpha=0.05, seed=5)
    se = sim.mc_se  # sqrt(.05 * .95 / 2000) = 0.0049
    for rate in (sim.sequential, sim.obrien_fleming, sim.pocock):
        assert rate <= 0.05 + 2 * se
    assert sim.naive_peeking > 0.05 + 5 * se


def test_first_crossing_reads_the_look_days():
    # n_max 1000 units, 2 looks at 500 and 1000: day 2 (n = 500) has |z| 2.0 < 2.5, day 4 (n = 1000) |z| 2.6 >= 2.4
    z, n = [0.5, 2.0, 3.0, 2.6], [250, 500, 750, 1000]
    assert groupseq.first_crossing(z, n, 1000, [2.5, 2.4], [0.5, 1.0]) == 2
    assert groupseq.first_crossing(z, n, 1000, [2.5, 2.7], [0.5, 1.0]) is None
    assert groupseq.first_crossing(z[:2], n[:2], 1000, [2.5, 2.4], [0.5, 1.0]) is None  # look 2 not reached


def test_plan_days_remaining_by_hand():
    days = pd.date_range("2025-05-05", periods=4, freq="D")
    daily = pd.DataFrame({"day": days, "n_control": [50, 100, 150, 200], "n_treatment": [50, 100, 150, 200],
                          "abs_lift": [0.0, 0.0, 0.0, 0.0], "se": [1.0, 1.0, 1.0, 1.0]})
    sp = groupseq.plan(daily, 1000, method="msprt", alpha=0.05)
    factor = groupseq.msprt_n_factor(0.05, 0.8)
    assert sp.n_needed["fixed"] == 1000 and sp.n_needed["msprt"] == math.ceil(1000 * factor)
    # 400 units in 4 days = 100 a day; 2 x needed - 400 units to go
    assert sp.days_remaining == math.ceil((2 * sp.n_needed["msprt"] - 400) / 100)
    assert groupseq.plan(daily, 1000, method="msprt", seq_stop_day=3).days_remaining == 0
    pocock = groupseq.plan(daily, 1000, method="pocock", looks=4)
    assert pocock.n_needed["pocock"] > pocock.n_needed["obrien_fleming"] > 1000 and pocock.stop_look is None
    assert groupseq.plan(daily, None).days_remaining is None
    with pytest.raises(ValueError, match="sequential_method"):
        groupseq.plan(daily, 1000, method="bayes")
