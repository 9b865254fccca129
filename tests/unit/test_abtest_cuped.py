"""CUPED on a frame with a known correlation: variance falls by rho^2, the interval narrows."""

import numpy as np
import pandas as pd
import pytest

from experiments.abtest.cuped import adjust, cuped_compare, theta


def test_theta_by_hand():
    # y = 2x + 1 exactly: theta = 2 and the adjusted outcome is constant
    x = np.array([1.0, 2.0, 3.0, 4.0])
    assert theta(2 * x + 1, x) == pytest.approx(2.0)
    assert np.ptp(adjust(2 * x + 1, x)) == pytest.approx(0.0)


def test_variance_reduction_equals_rho_squared():
    rng = np.random.default_rng(7)
    n, rho = 20_000, 0.8
    x = rng.normal(size=n)
    y = rho * x + np.sqrt(1 - rho**2) * rng.normal(size=n)
    variant = np.where(rng.random(n) < 0.5, "c", "t")
    y = y + 0.05 * (variant == "t")
    df = pd.DataFrame({"v": variant, "y": y, "x": x})
    res = cuped_compare(df, "y", "x", variant_col="v", control_label="c", variant="t")
    assert res.variance_reduction == pytest.approx(rho**2, abs=0.02)
    assert res.ci_width_ratio == pytest.approx(np.sqrt(1 - rho**2), abs=0.02)
    assert res.adjusted.ci_low < 0.05 < res.adjusted.ci_high
    assert res.adjusted.abs_lift == pytest.approx(res.raw.abs_lift, abs=3 * res.raw.se)
