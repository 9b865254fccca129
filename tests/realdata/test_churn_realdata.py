"""Real data: IBM Telco customer churn (../shared/datasets/telco_churn or $CIL_DATASETS) through notebook 04's
flat-table interface (the ``telco`` profile of conf/params/04_churn_prediction.yaml).

Reference numbers from the dataset README: 7,043 customers, 1,869 churned (26.537%), 11 blank TotalCharges (all
tenure 0); publicly reported leakage-free ROC-AUC about 0.83 to 0.85 on a stratified 80/20 split.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import churn
from experiments.churn import models
from experiments.data import paths
from experiments.lab.config import notebook_parameters

pytestmark = pytest.mark.realdata
TELCO = paths.datasets_dir() / "telco_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv"


@pytest.fixture(scope="module")
def telco(tmp_path_factory):
    if not TELCO.is_file():
        pytest.skip(f"real dataset not available: {TELCO} (set CIL_DATASETS to the shared datasets folder)")
    params = notebook_parameters("04_churn_prediction", "telco", {"input_path": str(TELCO)})
    assert params["test_fraction"] == 0.2 and params["seed"] == 42 and params["campaign_cost"] == 50.0
    cfg = churn.Config.from_parameters(params)
    a = churn.run(cfg)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIL_DATA_DIR", str(tmp_path_factory.mktemp("telco") / "data"))
        folder = a.publish()
        assert not paths.processed_dir().exists()                        # never over the company world
        published = {name: pd.read_parquet(folder / f"{name}.parquet") for name in ("churn_scores", "churn_actions")}
    return a.input, a, published


def test_telco_blank_total_charges_are_kept_and_reported(telco) -> None:
    table, a, _ = telco
    m = a.metrics()
    assert table.rows == 7043 and m["n_train"] + m["n_test"] == 7043      # nothing silently dropped
    assert m["n_blank_values"] == 11
    assert any(n.startswith("TotalCharges: 11 blank value(s)") for n in a.notes)
    assert a.X["TotalCharges"].isna().sum() == 11
    assert (a.X.loc[a.X["TotalCharges"].isna(), "tenure"] == 0).all()   # the README: all of them tenure 0
    assert m["positive_rate"] == pytest.approx(1869 / 7043, abs=1e-4)
    assert m["n_test"] == 1409                                              # stratified 20%


def test_telco_lightgbm_reaches_the_published_auc(telco) -> None:
    _, a, _ = telco
    m = a.metrics()
    assert m["lgbm_roc_auc"] >= 0.84
    assert 0.80 <= m["logreg_roc_auc"] <= 0.87 and 0.80 <= m["rf_roc_auc"] <= 0.87
    assert m["lgbm_minus_logreg_low"] <= m["lgbm_minus_logreg_roc_auc"] <= m["lgbm_minus_logreg_high"]
    assert m["top_decile_lift"] > 2.3                                        # riskiest tenth churns 2.3x+ as often
    assert a.importance.index[0] in {"Contract", "tenure"}                   # the well-known leading drivers
    assert m["n_scored"] == 7043 and a.scores["in_training"].sum() == m["n_train"]


def test_telco_is_published_beside_the_company_world_never_over_it(telco) -> None:
    _, a, published = telco
    assert not a.is_company_world
    assert "interim/flat/processed/churn_scores.parquet" in a.published[0]
    scores = published["churn_scores"]
    assert len(scores) == 7043 and scores["customer_id"].is_unique  # every Telco customer, once
    assert len(published["churn_actions"]) == a.metrics()["n_contacted"]


def test_telco_realised_profit_recomputed_from_the_published_scores(telco) -> None:
    # issue 20 item 1: 26,261.24 was reported (one customer with a negative expected gain included); the rule on
    # the published scores of the held-out customers and their actual outcome gives 26,194.24
    _, a, published = telco
    s = published["churn_scores"]
    test = s.loc[~s["in_training"]]
    assert len(test) == 1409
    raw = pd.read_csv(TELCO, usecols=["customerID", "Churn", "MonthlyCharges"]).set_index("customerID")
    churned = raw["Churn"].reindex(test["customer_id"]).eq("Yes").to_numpy()
    value = raw["MonthlyCharges"].reindex(test["customer_id"]).to_numpy() * 12.0
    assert np.allclose(value, test["customer_value"])
    gain = test["churn_probability"].to_numpy() * 0.2 * value - 50.0
    chosen = gain > 0
    assert np.array_equal(chosen, test["contact"].to_numpy())              # the list and the check: one rule
    realised = float(np.sum(churned[chosen] * 0.2 * value[chosen] - 50.0))
    m = a.metrics()
    assert m["test_realised_profit"] == pytest.approx(realised, abs=0.01)
    assert m["test_realised_profit"] == pytest.approx(26194.24, abs=0.01)
    assert m["test_expected_profit"] == pytest.approx(float(gain[chosen].sum()), abs=0.01)


def test_telco_every_published_score_is_out_of_sample(telco) -> None:
    # issue 20 item 2: 2,055 of 2,566 contacts were training rows scored in-sample; now they are cross-fitted
    _, a, published = telco
    s = published["churn_scores"].set_index("customer_id")
    train = s.index[s["in_training"]]
    in_sample = a.calibrator(models.predict(a.fitted, a.X.loc[train]))
    logit = np.log(s.loc[train, "churn_probability"] / (1 - s.loc[train, "churn_probability"]))
    logit_in = np.log(in_sample / (1 - in_sample))
    assert np.abs(logit_in).mean() > np.abs(logit).mean()                  # in-sample scores are more extreme
    assert not np.allclose(s.loc[train, "churn_probability"], in_sample)
    held = s.index[~s["in_training"]]
    test_pos = a.X.index.get_indexer(held)
    assert np.allclose(s.loc[held, "churn_probability"].to_numpy(),
                       a.test_calibrated[np.searchsorted(a.split.test, test_pos)])
    assert a.metrics()["n_contacted"] == 2586
