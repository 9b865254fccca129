"""04 through the runner on a flat table this test writes, run ONCE (module fixture) for several checks: the values
against what the published tables and the table itself say, the documented keys, and the first screen naming which
scores the headline rests on.

The table: 800 customers with a churn label (Yes / No) driven by tenure and a monthly contract, a monthly charge
(the value column, times 12), a noise column and 7 blank charges (kept as missing and counted).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nbbuild_helper as nbh
from experiments.lab.metrics import documented_keys, undocumented_keys

pytestmark = pytest.mark.slow
NB = "04_churn_prediction"
COST, SUCCESS = 40.0, 0.25


def _table(path: Path) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 800
    tenure = rng.integers(0, 72, n)
    contract = rng.choice(["Month-to-month", "One year", "Two year"], n, p=[0.5, 0.3, 0.2])
    logit = 0.5 - 0.05 * tenure + 1.6 * (contract == "Month-to-month")
    churn = rng.random(n) < 1 / (1 + np.exp(-logit))
    charges = np.round(rng.uniform(20, 110, n), 2).astype(object)
    charges[rng.choice(n, 7, replace=False)] = " "
    df = pd.DataFrame({"cust": [f"K-{i:04d}" for i in range(n)], "tenure": tenure, "Contract": contract,
                       "Charges": charges, "noise": rng.normal(size=n).round(3),
                       "Left": np.where(churn, "Yes", "No")})
    df.to_csv(path, index=False)
    return df


@pytest.fixture(scope="module")
def flat_run(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("flat04")
    frame = _table(base / "customers.csv")
    overrides = {"input_path": str(base / "customers.csv"), "customer_col": "cust", "label_col": "Left",
                 "positive_label": "Yes", "value_col": "Charges", "value_multiplier": 12.0, "campaign_cost": COST,
                 "campaign_success_rate": SUCCESS, "n_boot": 100}
    run = nbh.run_one(NB, base, overrides)
    out = base / "data" / "interim" / "flat" / "processed"
    return {"status": run["status"], "error": run["error"], "frame": frame,
            "metrics": run["metrics"],
            "html": run["html"],
            "scores": pd.read_parquet(out / "churn_scores.parquet"),
            "actions": pd.read_parquet(out / "churn_actions.parquet"), "company": base / "data" / "processed"}


def test_the_run_passes_and_writes_only_documented_flat_keys(flat_run):
    assert flat_run["status"] == "passed", flat_run["error"]
    m = flat_run["metrics"]
    assert undocumented_keys(m, documented_keys(NB)) == []
    assert "snapshot_date" not in m and m["n_blank_values"] == 7
    assert not flat_run["company"].exists()                    # a flat table never publishes over the company world


def test_counts_and_rates_match_the_table(flat_run):
    m, df = flat_run["metrics"], flat_run["frame"]
    assert m["n_train"] + m["n_test"] == m["n_scored"] == 800 and m["n_test"] == 160
    assert m["positive_rate"] == pytest.approx((df["Left"] == "Yes").mean(), abs=1e-4)
    assert m["lgbm_roc_auc"] > 0.7                                # tenure and contract carry the signal


def test_profits_recomputed_from_the_published_tables(flat_run):
    m, s, df = flat_run["metrics"], flat_run["scores"], flat_run["frame"].set_index("cust")
    value = pd.to_numeric(df["Charges"], errors="coerce").fillna(0.0) * 12.0
    assert np.allclose(s["customer_value"], value.reindex(s["customer_id"]).to_numpy())
    gain = s["churn_probability"] * SUCCESS * s["customer_value"] - COST
    assert np.allclose(gain, s["expected_gain"])
    assert m["n_contacted"] == int((gain > 0).sum()) == len(flat_run["actions"]) == int(s["contact"].sum())
    assert m["expected_profit"] == pytest.approx(float(gain[gain > 0].sum()), abs=0.01)
    assert m["share_contacted"] == pytest.approx(m["n_contacted"] / 800, abs=1e-4)
    test = s.loc[~s["in_training"]]
    churned = df["Left"].reindex(test["customer_id"]).eq("Yes").to_numpy()
    tg = gain[~s["in_training"]].to_numpy()
    real = churned * SUCCESS * test["customer_value"].to_numpy() - COST
    assert len(test) == 160
    assert m["test_realised_profit"] == pytest.approx(float(real[tg > 0].sum()), abs=0.01)
    assert m["test_expected_profit"] == pytest.approx(float(tg[tg > 0].sum()), abs=0.01)
    assert list(flat_run["actions"]["rank"]) == list(range(1, m["n_contacted"] + 1))


def test_first_screen_says_which_scores_the_headline_rests_on(flat_run):
    html = flat_run["html"]
    first = html[: html.find("1. Who churns")]
    assert "cross-fitting" in first and "640" in first and "160" in first
