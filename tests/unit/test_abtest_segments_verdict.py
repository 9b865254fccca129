"""Segments with corrected p-values, and the verdict rules."""

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from experiments.abtest import verdict
from experiments.abtest.frequentist import two_proportions
from experiments.abtest.segments import segment_effects
from experiments.abtest.trust import srm_test


def test_segment_effects_correct_across_all_levels():
    rng = np.random.default_rng(0)
    n = 4000
    df = pd.DataFrame({"v": rng.choice(["c", "t"], n), "age": rng.choice(["18-24", "25-34", "35+"], n),
                       "ch": rng.choice(["web", "app"], n), "y": rng.binomial(1, 0.1, n)})
    df.loc[df.index[:10], "age"] = "tiny"  # too small to test
    seg = segment_effects(df, ["age", "ch"], ["y"], variant_col="v", control_label="c")
    tested = seg[seg["tested"]]
    assert len(tested) == 5 and not seg.loc[seg["level"] == "tiny", "tested"].iloc[0]
    assert tested["p_holm"].to_numpy() == pytest.approx(multipletests(tested["p_value"], method="holm")[1])


def _srm_ok():
    return srm_test({"control": 1000, "treatment": 1000}, {"control": 0.5, "treatment": 0.5})


def test_ship_when_significant_and_trusted():
    c = two_proportions(300, 5000, 200, 5000)
    v = verdict.decide(c, c.p_value, _srm_ok(), events=(200, 300))
    assert v.decision == verdict.SHIP and "Ship treatment" in v.headline


def test_srm_overrides_a_significant_lift():
    c = two_proportions(300, 5000, 200, 5000)
    bad = srm_test({"control": 20000, "treatment": 18800}, [0.5, 0.5])
    assert verdict.decide(c, c.p_value, bad).decision == verdict.NO_SHIP


def test_inconclusive_keeps_running_and_tight_null_does_not_ship():
    small = two_proportions(22, 1000, 20, 1000)
    assert verdict.decide(small, small.p_value, _srm_ok()).decision == verdict.KEEP
    big = two_proportions(20_050, 1_000_000, 20_000, 1_000_000)  # CI upper end ~ +1.6% relative
    assert verdict.decide(big, big.p_value, _srm_ok(), target_relative_lift=0.1).decision == verdict.NO_SHIP


def test_few_events_and_guardrails():
    c = two_proportions(300, 11000, 5, 460)
    assert verdict.decide(c, c.p_value, _srm_ok(), events=(5, 300)).decision == verdict.KEEP
    good = two_proportions(300, 5000, 200, 5000, metric="converted")
    worse = two_proportions(100, 5000, 200, 5000, metric="retained")
    v = verdict.decide(good, good.p_value, _srm_ok(), guardrails=[(worse, worse.p_value)])
    assert v.decision == verdict.NO_SHIP and "retained" in v.headline
    # by hand: pooled p = 500/10000 = 0.05, se0 = sqrt(0.05 * 0.95 * 2/5000) = 0.0043589, z = 0.02 / se0 = 4.5883,
    # two-sided p = 2 * (1 - Phi(4.5883)) = 4.47e-6
    assert good.stat == pytest.approx(0.02 / math.sqrt(0.05 * 0.95 * 2 / 5000), rel=1e-9)
    assert good.stat == pytest.approx(4.5883, abs=1e-4) and good.p_value == pytest.approx(4.47e-6, rel=0.01)
