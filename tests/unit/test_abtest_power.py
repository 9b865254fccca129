"""Sample size and MDE: R's power.prop.test number and statsmodels' Cohen's h version."""

import math

import pytest
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from experiments.abtest.power import (
    cohen_h_n,
    mde_cohen_h,
    mde_mean,
    mde_proportion,
    power_prop_test_n,
    power_prop_test_power,
    power_unequal,
)


def test_power_prop_test_3826():
    # R: power.prop.test(p1 = .03, p2 = .02, power = .8) -> n = 3825.15 per group
    n = power_prop_test_n(0.03, 0.02, alpha=0.05, power=0.8)
    assert n == pytest.approx(3825.15, abs=0.05)
    assert abs(math.ceil(n) - 3826) <= 1 and math.ceil(n) == 3826
    assert power_prop_test_power(3826, 0.03, 0.02) == pytest.approx(0.8, abs=1e-3)


def test_cohen_h_differs_from_the_pooled_formula():
    h = proportion_effectsize(0.03, 0.02)
    ref = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8)
    assert cohen_h_n(0.03, 0.02) == pytest.approx(ref)
    assert 3780 < cohen_h_n(0.03, 0.02) < 3800  # arcsine: 3,788, not 3,826


def test_mde_inverts_the_sample_size():
    # with 3,826 per group and p_c = .02 the MDE is ~ +1 pp
    assert mde_proportion(0.02, 3826, 3826) == pytest.approx(0.01, abs=2e-4)
    assert mde_cohen_h(0.02, 3826, 3826) == pytest.approx(0.01, abs=3e-4)
    mde = mde_proportion(0.02, 2000, 6000)
    assert power_unequal(0.02, 0.02 + mde, 2000, 6000) == pytest.approx(0.8, abs=1e-6)


def test_mde_mean_closed_form():
    # (1.95996 + 0.84162) * sqrt(4/100 + 4/100) = 2.80158 * 0.28284 = 0.79241
    assert mde_mean(2, 2, 100, 100) == pytest.approx(0.79241, abs=1e-4)


def test_bad_inputs():
    with pytest.raises(ValueError, match="p1 != p2"):
        power_prop_test_n(0.02, 0.02)
    assert math.isnan(mde_proportion(0.0, 100, 100))
