"""Two-proportion z, Welch t, lift intervals and multiple-testing corrections vs statsmodels/scipy/hand."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from experiments.abtest.frequentist import adjust_pvalues, compare_all, two_proportions, welch


def _wilson(x: int, n: int, z: float) -> tuple[float, float]:
    centre, half = (x + z * z / 2) / (n + z * z), z * math.sqrt(x * (n - x) / n + z * z / 4) / (n + z * z)
    return centre - half, centre + half


def _newcombe(x_t: int, n_t: int, x_c: int, n_c: int, z: float) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p_t - p_c: d - sqrt((p_t-l_t)^2 + (u_c-p_c)^2), d + sqrt(...)."""
    p_t, p_c = x_t / n_t, x_c / n_c
    (l_t, u_t), (l_c, u_c) = _wilson(x_t, n_t, z), _wilson(x_c, n_c, z)
    d = p_t - p_c
    return d - math.sqrt((p_t - l_t) ** 2 + (u_c - p_c) ** 2), d + math.sqrt((u_t - p_t) ** 2 + (p_c - l_c) ** 2)


def test_two_proportions_by_hand():
    # 120/1000 vs 100/1000: pooled p = .11, se0 = sqrt(.11*.89*2/1000) = .013993, z = .02/.013993 = 1.4293
    c = two_proportions(120, 1000, 100, 1000)
    assert c.stat == pytest.approx(1.4293, abs=1e-4)
    assert c.p_value == pytest.approx(2 * stats.norm.sf(1.4293), abs=1e-4)
    # Newcombe (1998, method 10) from the two Wilson intervals, by hand:
    assert (c.ci_low, c.ci_high) == pytest.approx(_newcombe(120, 1000, 100, 1000, 1.959964), abs=1e-7)
    assert c.ci_low == pytest.approx(-0.0074922, abs=1e-7) and c.ci_high == pytest.approx(0.0475507, abs=1e-7)
    # relative: ratio 1.2, log-ratio se = sqrt(1/120 - 1/1000 + 1/100 - 1/1000) = .127802
    assert c.rel_lift == pytest.approx(0.2)
    assert c.rel_ci_low == pytest.approx(1.2 * math.exp(-1.959964 * 0.127802) - 1, abs=1e-4)


def test_one_sided_halves_the_p_value_and_uses_the_90_interval():
    two, one = two_proportions(120, 1000, 100, 1000), two_proportions(120, 1000, 100, 1000, one_sided=True)
    assert one.p_value == pytest.approx(two.p_value / 2)
    assert one.ci_low == pytest.approx(_newcombe(120, 1000, 100, 1000, 1.644854)[0], abs=1e-6)


def test_all_zero_outcomes_do_not_crash():
    c = two_proportions(0, 50, 0, 50)
    assert c.p_value == 1.0 and c.abs_lift == 0


def test_welch_matches_scipy():
    rng = np.random.default_rng(0)
    yt, yc = rng.normal(1.1, 2, 300), rng.normal(1.0, 1, 200)
    c = welch(yt, yc)
    ref = stats.ttest_ind(yt, yc, equal_var=False)
    assert c.stat == pytest.approx(ref.statistic) and c.p_value == pytest.approx(ref.pvalue)
    ci = ref.confidence_interval(0.95)
    assert (c.ci_low, c.ci_high) == pytest.approx((ci.low, ci.high))


def test_welch_tiny_by_hand():
    # t: [2, 4] mean 3 var 2; c: [1, 1, 4] mean 2 var 3; se = sqrt(2/2 + 3/3) = sqrt 2; t = 1/1.41421 = .7071
    c = welch([2, 4], [1, 1, 4])
    assert c.stat == pytest.approx(1 / math.sqrt(2)) and c.abs_lift == pytest.approx(1.0)


def test_holm_and_bh_match_statsmodels_and_hand():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted .005,.01,.03,.04 times 4,3,2,1 -> .02,.03,.06,.06 (monotone)
    assert adjust_pvalues(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert adjust_pvalues(p, "fdr_bh") == pytest.approx(multipletests(p, method="fdr_bh")[1])
    # BH: .005*4/1=.02, .01*4/2=.02, .03*4/3=.04, .04*4/4=.04
    assert adjust_pvalues(p, "fdr_bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert np.isnan(adjust_pvalues([0.01, np.nan], "holm")[1])


def test_compare_all_picks_the_test_by_type():
    df = pd.DataFrame({"v": ["c"] * 4 + ["t"] * 4, "conv": [0, 1, 0, 0, 1, 1, 0, 1],
                       "rev": [1.0, 2, 3, 4, 2, 3, 4, 5]})
    out = compare_all(df, ["conv", "rev"], variant_col="v", control_label="c")
    assert out["kind"].tolist() == ["proportion", "mean"]
    assert out["rate_treatment"].tolist() == pytest.approx([0.75, 3.5])
    assert out["p_holm"].tolist() == pytest.approx(multipletests(out["p_value"], method="holm")[1])
