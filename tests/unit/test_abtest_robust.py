"""Capping at a pooled percentile and quantile differences with bootstrap intervals."""

import numpy as np
import pandas as pd
import pytest
from test_abtest_support import run_frame as _run

from experiments.abtest import robust


def test_cap_by_hand():
    # pooled values 1..100: numpy's 90th percentile is 1 + 0.9 * 99 = 90.1; the ten values above it become 90.1
    df = pd.DataFrame({"v": ["c", "t"] * 50, "revenue": np.arange(1, 101, dtype=float)})
    out, caps = robust.cap(df, ["revenue"], 90)
    assert caps == {"revenue": pytest.approx(90.1)}
    assert out["revenue"].max() == pytest.approx(90.1) and (out["revenue"] == caps["revenue"]).sum() == 10
    assert df["revenue"].max() == 100  # the input is not modified
    same, none = robust.cap(df, ["revenue"], 0)
    assert same is df and none == {}


def test_quantile_difference_of_a_pure_shift_and_its_coverage():
    # treatment = control + 5 exactly: every quantile differs by 5 and the bootstrap interval contains 5
    yc = np.random.default_rng(0).lognormal(3, 1, 3000)
    q = robust.quantile_comparison(yc + 5, yc, [0.5, 0.9], n_boot=200)
    assert q["diff"].to_numpy() == pytest.approx([5.0, 5.0])
    assert (q["ci_low"] <= 5).all() and (q["ci_high"] >= 5).all()
    assert robust.quantile_key(0.5) == "q50" and robust.quantile_key(0.995) == "q99_5"


@pytest.mark.parametrize("seed", [7, 11, 42])
def test_quantile_interval_coverage_over_many_experiments(seed):
    # issue 18: one interval containing the truth is a 95% event (the old single-draw check failed on 6 of 60
    # seeds). Coverage is a rate: 200 experiments of independent lognormal arms, true median difference
    # e^3.1 - e^3 = 2.11; a 95% interval must contain it in about 190 of 200 (measured 188-193 on these seeds),
    # fewer than the binomial 0.001 quantile (~180) would be a broken interval
    from scipy import stats

    rng = np.random.default_rng(seed)
    true = np.exp(3.1) - np.exp(3)
    hits = 0
    for _ in range(200):
        q = robust.quantile_comparison(rng.lognormal(3.1, 1, 1000), rng.lognormal(3, 1, 1000), [0.5], n_boot=200,
                                       seed=int(rng.integers(1 << 30)))
        hits += bool(q["ci_low"].iloc[0] < true < q["ci_high"].iloc[0])
    assert stats.binom.cdf(hits, 200, 0.95) > 0.001, f"{hits} of 200 intervals contain the true difference"


def test_capping_happens_before_the_tests_and_keys_are_written():
    rng = np.random.default_rng(2)
    n = 2000
    df = pd.DataFrame({"u": range(n), "v": np.where(np.arange(n) % 2, "t", "c"), "revenue": rng.lognormal(2, 1, n)})
    df.loc[5, "revenue"] = 1e6  # one whale in treatment row 6 (odd index -> t)
    raw = _run(df, "u", "v", "c", ["revenue"], quantiles=[0.5])
    capped = _run(df, "u", "v", "c", ["revenue"], cap_percentile=99.0, quantiles=[0.5])
    cap = np.percentile(df["revenue"], 99)
    assert capped.data["revenue"].max() == pytest.approx(cap)
    c = capped.comparisons[("revenue", "t")]
    assert c.rate_treatment == pytest.approx(np.minimum(df.loc[df["v"] == "t", "revenue"], cap).mean())
    assert c.se < raw.comparisons[("revenue", "t")].se / 5  # the whale dominated the variance
    m = capped.metrics()
    assert m["revenue_cap_value"] == pytest.approx(cap) and m["cap_percentile"] == 99.0
    assert m["revenue_q50_diff"] == pytest.approx(capped.quantiles[("revenue", "t")]["diff"].iloc[0])
