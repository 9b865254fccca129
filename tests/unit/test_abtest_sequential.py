"""Confidence sequence algebra, the daily cumulative table, and the vectorised A/A simulation."""

import math

import numpy as np
import pandas as pd
import pytest

from experiments.abtest.sequential import always_valid_p, cs_halfwidth, daily_cumulative, first_stop, log_msprt
from experiments.abtest.simulate import simulate_aa


def test_cs_excludes_zero_exactly_when_msprt_rejects():
    v, tau2, alpha = 1e-4, 2e-4, 0.05
    hw = float(cs_halfwidth(v, tau2, alpha))
    # Lambda(d = hw) = 1/alpha at the boundary
    assert float(log_msprt(hw, v, tau2)) == pytest.approx(math.log(1 / alpha))
    assert always_valid_p(np.array([hw * 1.01]), np.array([v]), tau2)[0] < alpha
    assert always_valid_p(np.array([hw * 0.99]), np.array([v]), tau2)[0] > alpha


def test_cs_is_wider_than_the_fixed_interval():
    v = 1e-4
    assert float(cs_halfwidth(v, v, 0.05)) > 1.96 * math.sqrt(v)


def test_daily_cumulative_by_hand():
    df = pd.DataFrame({"v": ["c", "t", "c", "t", "c", "t"], "y": [0, 1, 1, 1, 0, 0],
                       "d": ["2024-01-01"] * 2 + ["2024-01-02"] * 4})
    t = daily_cumulative(df, "y", variant_col="v", control_label="c", variant="t", time_col="d")
    # day 2 cumulative: control 1/3, treatment 2/3
    assert t["n_control"].tolist() == [1, 3] and t["rate_treatment"].iloc[1] == pytest.approx(2 / 3)
    assert t["abs_lift"].iloc[1] == pytest.approx(1 / 3)
    assert (t["cs_high"] - t["cs_low"]).iloc[1] > (t["naive_high"] - t["naive_low"]).iloc[1]


def test_first_stop():
    table = pd.DataFrame({"naive_p": [0.5, 0.04, 0.2], "always_valid_p": [1, 0.5, 0.3]})
    assert first_stop(table, 0.05, "naive") == 2 and first_stop(table, 0.05, "sequential") is None


def test_aa_simulation_false_positive_rates():
    sim = simulate_aa(n_sims=2000, days=14, units_per_day=300, rate=0.05, alpha=0.05, seed=1)
    assert abs(sim.fixed - 0.05) < 3 * sim.mc_se  # fixed horizon: alpha within sampling error
    assert sim.sequential <= 0.05 + 2 * sim.mc_se  # always valid: at most alpha
    assert sim.naive_peeking > 0.05 + 5 * sim.mc_se  # daily peeking inflates it


def test_matching_design_mirrors_the_experiment() -> None:
    from experiments.abtest.simulate import matching_design

    # 14,000 + 14,000 units over 14 days -> 1,000 per arm per day at the control's 3% rate
    assert matching_design(14_000, 14_000, 14, 0.03) == {"days": 14, "units_per_day": 1000, "rate": 0.03}
    # no daily view -> 14 days; a mean metric (no rate in (0, 1)) -> the illustrative 5%
    assert matching_design(700, 700, None, 2.5) == {"days": 14, "units_per_day": 50, "rate": 0.05}
    assert matching_design(1, 0, 7, None)["units_per_day"] == 1
