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
          "seed": 3}
    r = uplift.t_learner(df, **kw)
    assert r.top_group == "seg=b" and r.top_share > 0.9 and r.base_share == pytest.approx(0.25, abs=0.03)
    assert r.qini > 0 and r.n_test == pytest.approx(0.3 * len(df), abs=2)
    again = uplift.t_learner(df, **kw)
    pd.testing.assert_frame_equal(r.curve, again.curve)  # same seed, same numbers
    with pytest.raises(DataInputError, match="uplift_features.*'nope'"):
        uplift.t_learner(df, **kw | {"features": ["nope"]})
