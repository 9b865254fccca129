"""Issue 20 item 2: on a flat table every published score comes from a model that did not see the customer.

Before, the training rows (fit and validation folds, 80% of the table) were scored in-sample by the model fitted on
them and added to the held-out ones in ``expected_profit``. Now they are scored out of fold (``crossfit``). A table
with a planted signal (recency and a plan raise the risk, one noise column) shows the difference: in-sample scores
of the training rows are more extreme and rank them better than any unseen customer could be ranked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments import churn
from experiments.churn import crossfit, metrics, models, sources
from experiments.lab.config import notebook_parameters


def _logit(p):
    p = np.clip(np.asarray(p, float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


@pytest.fixture(scope="module")
def flat_result(tmp_path_factory):
    rng = np.random.default_rng(5)
    n = 1500
    frame = pd.DataFrame({"id": [f"c{i:05d}" for i in range(n)], "recency": rng.exponential(60, n).round(1),
                          "noise": rng.normal(size=n).round(3),
                          "plan": rng.choice(["monthly", "yearly", "two_year"], n)})
    logit = -2 + 0.03 * frame["recency"] + 1.5 * (frame["plan"] == "monthly")
    frame["churned"] = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    path = tmp_path_factory.mktemp("crossfit") / "table.csv"
    frame.to_csv(path, index=False)
    cfg = churn.Config.from_parameters(notebook_parameters("04_churn_prediction", None, {
        "input_path": str(path), "customer_col": "id", "label_col": "churned", "n_boot": 50, "campaign_cost": 150.0}))
    data = sources.load(cfg)
    return cfg, data, churn.run(cfg, data)


def test_training_rows_are_scored_out_of_fold(flat_result) -> None:
    cfg, data, r = flat_result
    s = r.scores.set_index("customer_id").loc[r.X.index]
    trained = np.sort(np.concatenate([r.split.fit, r.split.valid]))
    assert s["in_training"].to_numpy().sum() == len(trained) == 1200 and r.cross_fitted == crossfit.FOLDS
    oof = crossfit.cross_fit(r.X, r.y, trained, r.fitted.best_iteration, cfg.seed)
    assert np.allclose(s["churn_probability"].to_numpy()[trained], r.calibrator(oof.proba))
    assert np.allclose(s["churn_probability"].to_numpy()[r.split.test], r.test_calibrated)  # held out: unchanged
    # the defect: in-sample scores of the training rows are more extreme and rank them too well
    in_sample = r.calibrator(models.predict(r.fitted, r.X.iloc[trained]))
    published = s["churn_probability"].to_numpy()[trained]
    assert np.abs(_logit(in_sample)).mean() > np.abs(_logit(published)).mean()
    y_train = r.y.iloc[trained].to_numpy()
    assert metrics.roc_auc(y_train, in_sample) > metrics.roc_auc(y_train, published)
    # out of fold, the training rows rank about as well as the unseen test rows (no in-sample optimism)
    assert abs(metrics.roc_auc(y_train, published) - r.metrics()["lgbm_roc_auc"]) < 0.05


def test_contacts_are_worth_a_call_and_explained_by_the_planted_drivers(flat_result) -> None:
    _, _, r = flat_result
    s = r.scores.set_index("customer_id")
    c = s.loc[s["contact"]]
    assert (c["expected_gain"] > 0).all() and r.metrics()["n_contacted"] == len(c) > 0
    assert c["in_training"].any() and (~c["in_training"]).any()      # the list mixes both, all out of sample
    assert c["reasons"].str.len().gt(0).all()                         # every contact has a risk-raising reason
    assert set(c["main_feature"]) <= {"recency", "plan"}                # the planted drivers, never the noise
