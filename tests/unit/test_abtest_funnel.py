"""Funnel sums and the delta-method SE of ratio metrics (closed form and bootstrap)."""

import numpy as np
import pandas as pd
import pytest

from experiments.abtest.funnel import funnel_table, ratio_comparison, ratio_se


def _events():
    return pd.DataFrame({"variant": ["c", "c", "t", "t"], "impressions": [10, 30, 20, 20], "clicks": [1, 3, 2, 6],
                         "conversions": [0, 1, 1, 2], "revenue": [0.0, 50.0, 20.0, 40.0], "cost": [5.0, 5.0, 6.0, 6.0]})


def test_funnel_table_by_hand():
    f = funnel_table(_events(), "variant").set_index("variant")
    # control: 40 impressions, 4 clicks, 1 conversion, revenue 50, cost 10 -> CTR .1, CVR .25, CPA 10, ROAS 5
    assert f.loc["c", ["units", "impressions", "clicks", "conversions"]].tolist() == [2, 40, 4, 1]
    assert f.loc["c", ["ctr", "cvr", "cpa", "roas", "revenue_per_user"]].tolist() == pytest.approx([.1, .25, 10, 5, 25])
    # treatment: 40, 8, 3, 60, 12 -> CTR .2, CVR .375, CPA 4, ROAS 5
    assert f.loc["t", ["ctr", "cvr", "cpa", "roas"]].tolist() == pytest.approx([.2, .375, 4, 5])


def test_ratio_se_closed_form():
    # y = [1, 3], x = [10, 30]: ratio 0.1 exactly on a line through 0 -> delta-method variance 0
    r, se = ratio_se([1, 3], [10, 30])
    assert r == pytest.approx(0.1) and se == pytest.approx(0, abs=1e-12)
    # y = [0, 2, 1], x = [1, 1, 2]: mx = 4/3, my = 1, s_yy = 1, s_xx = 1/3, s_xy = 0, n = 3
    # var = (1/(16/9) - 0 + 1*(1/3)/(256/81)) / 3 = (0.5625 + 0.10546875) / 3 = 0.22265625
    r, se = ratio_se([0, 2, 1], [1, 1, 2])
    assert r == pytest.approx(0.75) and se**2 == pytest.approx(0.22265625)
    # y = [1, 2, 4], x = [1, 2, 2]: mx = 5/3, my = 7/3, s_yy = 7/3, s_xx = 1/3, s_xy = 2/3
    # var = (7/3 / (25/9) - 2*(7/3)*(2/3)/(125/27) + (49/9)*(1/3)/(625/81)) / 3 = (.84 - .672 + .2352) / 3
    r, se = ratio_se([1, 2, 4], [1, 2, 2])
    assert r == pytest.approx(1.4) and se**2 == pytest.approx((0.84 - 0.672 + 0.2352) / 3)


def test_ratio_se_agrees_with_bootstrap():
    rng = np.random.default_rng(1)
    x = rng.poisson(20, 3000) + 1
    y = rng.binomial(x, rng.beta(2, 40, 3000))  # clustered clicks: CTR varies by unit
    _, se = ratio_se(y, x)
    idx = rng.integers(0, 3000, size=(1500, 3000))
    boot = y[idx].sum(1) / x[idx].sum(1)
    assert se == pytest.approx(boot.std(ddof=1), rel=0.08)
    naive = np.sqrt(y.sum() / x.sum() * (1 - y.sum() / x.sum()) / x.sum())
    assert naive < 0.9 * se  # the naive binomial SE understates clustered variance


def test_ratio_comparison_difference_and_z():
    rows = ratio_comparison(_events(), variant_col="variant", control_label="c", ratios=("ctr",))
    t = rows[rows["variant"] == "t"].iloc[0]
    assert t["abs_lift"] == pytest.approx(0.1)
    c = rows[rows["variant"] == "c"].iloc[0]
    assert t["z"] == pytest.approx(0.1 / np.hypot(t["se"], c["se"]))
