"""Beta-Binomial P(beat control) closed form vs Monte Carlo, and the normal posterior."""

import numpy as np
import pytest
from scipy import stats

from experiments.abtest.bayes import beta_binomial, normal_posterior, prob_beat_closed_form


def test_symmetric_case_is_one_half():
    assert prob_beat_closed_form(11, 91, 11, 91) == pytest.approx(0.5, abs=1e-12)


def test_closed_form_matches_monte_carlo():
    rng = np.random.default_rng(3)
    a_t, b_t, a_c, b_c = 21, 81, 11, 91  # 20/100 vs 10/100 with a uniform prior
    mc = (rng.beta(a_t, b_t, 1_000_000) > rng.beta(a_c, b_c, 1_000_000)).mean()
    assert prob_beat_closed_form(a_t, b_t, a_c, b_c) == pytest.approx(mc, abs=2e-3)


def test_closed_form_matches_numerical_integration():
    # P = integral f_T(x) F_C(x) dx for Beta(4, 8) vs Beta(3, 9)
    grid = np.linspace(0, 1, 200_001)
    ref = np.trapezoid(stats.beta.pdf(grid, 4, 8) * stats.beta.cdf(grid, 3, 9), grid)
    assert prob_beat_closed_form(4, 8, 3, 9) == pytest.approx(ref, abs=1e-6)


def test_beta_binomial_loss_and_interval():
    r = beta_binomial(200, 1000, 150, 1000)
    assert r.prob_beat > 0.99 and r.expected_loss_treatment < 1e-4 < r.expected_loss_control
    assert r.rel_lift_low < 1 / 3 < r.rel_lift_high  # the observed +33% lies inside


def test_normal_posterior_closed_form():
    r = normal_posterior(1.0, 1.0, mean_control=10.0)
    assert r.prob_beat == pytest.approx(stats.norm.cdf(1))
    draws = np.random.default_rng(0).normal(1, 1, 1_000_000)
    assert r.expected_loss_treatment == pytest.approx(np.maximum(-draws, 0).mean(), abs=2e-3)
