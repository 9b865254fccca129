"""09's scoring and decision rules on small hand-made inputs whose answers are worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.nba import scoring
from experiments.nba.decide import Rules, decide


def test_qini_rewards_the_right_ranking() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    x = rng.normal(size=n)
    treated = rng.random(n) < 0.5
    y = (rng.random(n) < 0.1 + 0.3 * (treated & (x > 0))).astype(float)
    # by hand: Q(n) ~ 0.3 x 1,000 treated with x > 0 = 300, the curve peaks at half way, mean gap ~ 75 / 4,000
    assert scoring.qini(x, treated, y) > 0.012
    assert scoring.qini(-x, treated, y) < -0.012
    assert abs(scoring.qini(rng.normal(size=n), treated, y)) < 0.005


def test_irr_and_nir_follow_the_exercise_definitions() -> None:
    pi = np.array(["yes"] * 6 + ["no"] * 2)
    arm = np.array(["yes", "yes", "yes", "no", "no", "no", "yes", "no"])
    y = np.array([1, 1, 0, 1, 0, 0, 1, 1], dtype=float)
    irr, nir, n = scoring.irr_nir(pi, arm, y, "no", 10.0, {"yes": 0.15})
    assert n == 6  # only the targeted rows count
    assert irr == pytest.approx(2 / 3 - 1 / 3)
    assert nir == pytest.approx(10 * 2 - 0.15 * 3 - 10 * 1)


def test_ipw_policy_value_by_hand() -> None:
    arm = np.array(["c", "c", "t", "t"])
    net = np.array([1.0, 3.0, 10.0, 6.0])
    share = {"c": 0.5, "t": 0.5}
    assert scoring.policy_value(np.array(["t"] * 4), arm, net, share) == pytest.approx(8.0)
    assert scoring.policy_value(np.array(["c", "t", "t", "c"]), arm, net, share) == pytest.approx(5.5)


def test_choose_takes_the_largest_gain_after_cost_or_nothing() -> None:
    eff = pd.DataFrame({"a": [1.0, 0.2, 0.0], "b": [0.5, 0.9, 0.01]})
    pi = scoring.choose(eff, {"a": 2.0, "b": 1.0}, 10.0, "control")
    assert list(pi) == ["a", "b", "control"]


def _effects() -> pd.DataFrame:
    return pd.DataFrame({"care call": [50.0, 40.0, 30.0, 5.0, -1.0], "coupon": [10.0, 35.0, 20.0, 1.0, -2.0]},
                        index=pd.Index(["k1", "k2", "k3", "k4", "k5"], name="customer_id"))


def test_decide_applies_care_first_capacity_budget_and_consent() -> None:
    costs = {"care call": 10.0, "coupon": 5.0}
    out = decide(_effects(), costs, 1.0, Rules(0.0, 1, 0, 0.0, 1), care={"k5"}).set_index("customer_id")
    assert out.loc["k5", "action"] == "care call" and out.loc["k5", "reason"].startswith("on the care queue")
    assert out.loc["k1", "action"] == "care call"  # largest gain, takes the one call of call_capacity
    assert out.loc["k2", "action"] == "coupon" and out.loc["k3", "action"] == "coupon"  # calls used up
    assert out.loc["k4", "action"] == "none"  # 5 - 10 and 1 - 5 both lose
    reach = pd.DataFrame({"phone": [False] * 5, "email": [True] * 5}, index=_effects().index)
    out = decide(_effects(), costs, 1.0, Rules(10.0, 0, 0, 0.0, 1), reach=reach).set_index("customer_id")
    assert (out["action"] != "care call").all()  # no phone, no call
    assert out["cost"].sum() <= 10.0 and out.loc["k2", "action"] == "coupon"
    assert (out["reason"] == "budget spent").sum() == 1


def test_control_group_is_random_share_of_the_chosen() -> None:
    eff = pd.DataFrame({"coupon": np.linspace(1, 100, 1000) + 10}, index=[f"k{i}" for i in range(1000)])
    out = decide(eff, {"coupon": 5.0}, 1.0, Rules(0.0, 0, 0, 0.1, 3))
    held = out[out["control_group"]]
    assert len(held) == 100 and (held["action"] == "none").all()
    assert held["reason"].str.startswith("random control group: would get coupon").all()
    capped = decide(eff, {"coupon": 5.0}, 1.0, Rules(0.0, 0, 50, 0.0, 3))
    assert (capped["action"] == "coupon").sum() == 50


def test_current_customers_are_scored_within_the_campaign_range() -> None:
    from experiments.nba.analysis import within_campaign_range

    camp = pd.DataFrame({"tenure_days": [10.0, 400.0], "spend": [0.0, 50.0]})
    now = pd.DataFrame({"tenure_days": [5.0, 545.0], "spend": [20.0, 90.0]})
    out = within_campaign_range(now, camp)
    assert out["tenure_days"].tolist() == [10.0, 400.0] and out["spend"].tolist() == [20.0, 50.0]
