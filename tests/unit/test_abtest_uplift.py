"""Uplift curve, AUUC/Qini and the top group by hand; the T-learner finds a planted group and is deterministic."""

import numpy as np
import pandas as pd
import pytest

from experiments.abtest import uplift
from experiments.data.tables import DataInputError


def test_uplift_curve_auuc_and_qini_by_hand():
    # ranked A, B, C, D: A treated y=1, B control y=0, C treated y=0, D control y=1; 2 bins.
    # top half (A, B): 1 - 0 = 1, gain 1 * 1/2 = 0.5; all: 0.5 - 0.5 = 0, gain 0; ATE 0 so the random line is 0.
    # AUUC = (0.5 + 0) / 2 = 0.25, Qini = 0.25 - 0 = 0.25
    curve = uplift.uplift_curve(np.array([4.0, 3.0, 2.0, 1.0]), np.array([1, 0, 0, 1]),
                                np.array([True, False, True, False]), bins=2)
    assert curve["uplift"].tolist() == [1.0, 0.0] and curve["gain"].tolist() == [0.5, 0.0]
    assert uplift.auuc_qini(curve) == pytest.approx((0.25, 0.25))
    # reversed ranking: top half (D, C) 0 - 1 = -1 -> gain -0.5, AUUC = Qini = -0.25
    rev = uplift.uplift_curve(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 0, 0, 1]),
                              np.array([True, False, True, False]), bins=2)
    assert uplift.auuc_qini(rev) == pytest.approx((-0.25, -0.25))


def test_top_group_is_the_most_over_represented_value():
    # top 2 of 10 units by uplift are both "coffee" (2 of 10 overall: ratio 5); "F" is 2 of 2 vs 5 of 10 (ratio 2)
    features = pd.DataFrame({"interest": ["coffee", "coffee"] + ["tea"] * 8, "gender": ["F", "F"] + ["F", "M"] * 4})
    group, share, base = uplift.top_group(features, np.arange(10, 0, -1), bins=5)
    assert (group, share, base) == ("interest=coffee", 1.0, 0.2)


def _planted(n: int = 6000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"v": np.where(rng.random(n) < 0.5, "t", "c"), "seg": rng.choice(list("abcd"), n),
                       "x": rng.choice(["p", "q"], n)})
    effect = np.where((df["v"] == "t") & (df["seg"] == "b"), 1.0, 0.0)  # the whole effect sits in seg b
    df["y"] = rng.normal(0, 1, n) + effect
    return df


def test_t_learner_finds_the_planted_group_and_is_deterministic():
    df = _planted()
    kw = {"features": ["seg", "x"], "outcome": "y", "variant_col": "v", "control_label": "c", "variant": "t",
          "seed": 3, "alpha": 0.05}
    r = uplift.t_learner(df, **kw)
    assert r.top_group == "seg=b" and r.top_share > 0.9 and r.base_share == pytest.approx(0.25, abs=0.03)
    assert r.qini > 0 and r.n_test == pytest.approx(0.3 * len(df), abs=2)
    assert 0 < r.qini_low < r.qini < r.qini_high  # the ranking beats random: the interval lies above 0
    again = uplift.t_learner(df, **kw)
    pd.testing.assert_frame_equal(r.curve, again.curve)  # same seed, same numbers
    with pytest.raises(DataInputError, match="uplift_features.*'nope'"):
        uplift.t_learner(df, **kw | {"features": ["nope"]})


def test_qini_interval_covers_zero_without_an_effect_and_not_with_one():
    # issue 20: a T-learner no better than random (Qini -0.003 on a public e-mail test) must read as flat
    rng = np.random.default_rng(5)
    n = 4000
    treated = rng.random(n) < 0.5
    group = rng.random(n) < 0.25
    flat_y = rng.normal(0, 1, n)
    scores = group + rng.normal(0, 0.1, n)  # a ranking that would find the group if it carried an effect
    low, high = uplift.qini_interval(scores, flat_y, treated, seed=1)
    assert low < 0 < high
    lifted = flat_y + np.where(treated & group, 1.0, 0.0)
    low, high = uplift.qini_interval(scores, lifted, treated, seed=1)
    qini = uplift.auuc_qini(uplift.uplift_curve(scores, lifted, treated))[1]
    assert 0 < low < qini < high


def test_the_report_says_a_flat_uplift_is_no_targeting_advice():
    from experiments import abtest
    from experiments.abtest import present, sources
    from experiments.lab.config import notebook_parameters

    rng = np.random.default_rng(2)
    n = 3000
    df = pd.DataFrame({"u": range(n), "v": np.where(rng.random(n) < 0.5, "t", "c"),
                       "seg": rng.choice(list("abcd"), n), "y": rng.binomial(1, 0.2, n)})  # no effect anywhere
    params = notebook_parameters("06_ad_ab_analysis", None, {"input_path": "x.csv", "unit_col": "u", "variant_col": "v",
                                                             "control_label": "c", "metric_cols": ["y"],
                                                             "segment_cols": ["seg"], "aa_sims": 0})
    a = abtest.run(abtest.Config.from_parameters(params), sources.from_frame(df))
    m = a.metrics()
    assert m["uplift_qini_ci_low"] < 0 < m["uplift_qini_ci_high"]
    first, chart = present.uplift_section(a)
    assert first.data.startswith("Qini on") and "This is not targeting advice" in first.data
    assert "so that group is where the effect is concentrated" not in first.data
    assert chart.axes[0].get_title(loc="left").startswith("Flat uplift")


def test_numeric_uplift_features_name_no_group_and_the_sentence_says_so():
    from test_abtest_support import run_frame

    from experiments.abtest import present

    rng = np.random.default_rng(1)
    n = 2000
    df = pd.DataFrame({"u": range(n), "v": np.where(rng.random(n) < 0.5, "t", "c"), "x": rng.normal(size=n),
                       "y": rng.binomial(1, 0.2, n)})
    a = run_frame(df, "u", "v", "c", ["y"], uplift_features=["x"])
    assert a.uplift["t"].top_group == ""
    text = present.uplift_sentence(a, "t").data
    assert "numeric features rank units but name no group" in text and " =  " not in text
