"""09 through the runner on a 4-arm randomized campaign this test writes (run ONCE, module fixture): 2,400 customers
in training and 1,200 in a separate test file, arms control / a / b / c at random, a 0/1 purchase. Planted: arm ``a``
lifts the purchase rate by 0.30 only when x1 > 0, arm ``b`` lowers it by 0.10 for everyone (a sleeping-dog arm),
``c`` does nothing; sending costs 0.5 (a) , 0.5 (b), 0.1 (c) with a purchase worth 10. Checks values, not only keys.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import nbbuild_helper as nbh
from experiments.lab.metrics import documented_keys, undocumented_keys

pytestmark = pytest.mark.slow
NB = "09_next_best_action"
ARMS = ["control", "a", "b", "c"]


def _campaign(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    arm = rng.choice(ARMS, n)
    p = 0.2 + 0.3 * ((arm == "a") & (x1 > 0)) - 0.1 * (arm == "b")
    return pd.DataFrame({"x1": x1.round(4), "x2": x2.round(4), "segment": rng.choice(["n", "s"], n), "arm": arm,
                         "bought": (rng.random(n) < p).astype(int)})


@pytest.fixture(scope="module")
def flat_run(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("flat09")
    train, test = _campaign(2400, 1), _campaign(1200, 2)
    train.to_csv(base / "train.csv", index=False)
    test.to_csv(base / "test.csv", index=False)
    overrides = {"input_path": str(base / "train.csv"), "test_path": str(base / "test.csv"), "customer_col": "",
                 "variant_col": "arm", "control_label": "control", "outcome_col": "bought",
                 "feature_cols": json.dumps(["x1", "x2", "segment"]),
                 "cost_per_arm": json.dumps({"a": 0.5, "b": 0.5, "c": 0.1}), "outcome_value": 10.0,
                 "n_bootstrap": 100, "min_child_samples": 50}
    run = nbh.run_one(NB, base, overrides)
    published = pd.read_parquet(next((base / "data").rglob("next_best_actions.parquet")))
    return {"status": run["status"], "error": run["error"], "test": test, "published": published,
            "metrics": run["metrics"]}


def test_runs_and_documents_every_key(flat_run) -> None:
    assert flat_run["status"] == "passed", flat_run["error"]
    m = flat_run["metrics"]
    assert undocumented_keys(m, documented_keys(NB)) == []
    assert not {"policy_value_true", "oracle_value_true", "sleeping_dogs_contacted_share"} & set(m)


def test_held_out_values_are_the_test_file(flat_run) -> None:
    m, test = flat_run["metrics"], flat_run["test"]
    assert m["n_campaign_customers"] == 3600 and m["n_heldout"] == 1200
    for arm, mean in test.groupby("arm")["bought"].mean().items():
        assert m[f"arm_value_{arm}"] == pytest.approx(mean, abs=1e-6)


def test_policy_finds_the_planted_arm(flat_run) -> None:
    m, pub = flat_run["metrics"], flat_run["published"]
    assert m["qini_a"] > 0 and m["qini_a_low"] > 0  # a moves the x1 > 0 half
    assert m["n_actions_b"] < 0.05 * 1200 < m["n_actions_a"]  # b only hurts (a few noisy picks), a helps half
    x1 = flat_run["test"]["x1"].to_numpy()
    sent_a = pub.set_index("customer_id").reindex([f"row_{i}" for i in range(len(x1))])["action"].eq("a")
    assert sent_a[x1 > 0.3].mean() > 0.75 and sent_a[x1 < -0.3].mean() < 0.5  # measured 0.82 and 0.37
    assert m["heldout_nir"] > 0 and m["heldout_irr"] > 0.15
    # true gain per customer: a to x1 > 0 only = 0.5 x (10 x 0.3 - 0.5) = 1.25; a to everyone = 1.0 (IPW measured
    # 1.15 and 1.21 here: on 1,200 rows the two are within noise, so the check is the interval around the truth)
    assert m["policy_value_ipw_low"] < 1.25 < m["policy_value_ipw_high"] and m["policy_value_ipw"] > 0.8
    assert m["best_single_action"] == "a"
    assert pub.loc[pub["control_group"], "action"].eq("none").all()
    assert m["control_group_share"] == pytest.approx(0.1, abs=0.01)
