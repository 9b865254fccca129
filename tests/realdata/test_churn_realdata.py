"""Real data: IBM Telco customer churn (../shared/datasets/telco_churn or $CIL_DATASETS) through notebook 04's
flat-table interface (the ``telco`` profile of conf/params/04_churn_prediction.yaml).

Reference numbers from the dataset README: 7,043 customers, 1,869 churned (26.537%), 11 blank TotalCharges (all
tenure 0); publicly reported leakage-free ROC-AUC about 0.83 to 0.85 on a stratified 80/20 split.
"""

from __future__ import annotations

import pytest
import yaml

from experiments.churn import job
from experiments.data import paths
from experiments.lab.config import notebook_defaults

pytestmark = pytest.mark.realdata
TELCO = paths.datasets_dir() / "telco_churn" / "WA_Fn-UseC_-Telco-Customer-Churn.csv"


@pytest.fixture(scope="module")
def telco():
    if not TELCO.is_file():
        pytest.skip(f"real dataset not available: {TELCO} (set CIL_DATASETS to the shared datasets folder)")
    params = dict(notebook_defaults(paths.notebooks_dir() / "04_churn_prediction.ipynb"))
    conf = yaml.safe_load((paths.conf_dir() / "params" / "04_churn_prediction.yaml").read_text(encoding="utf-8"))
    params.update(conf["base"])
    params.update(conf["profiles"]["telco"])
    params["input_path"] = str(TELCO)
    assert params["test_fraction"] == 0.2 and params["seed"] == 42
    return job.run(params)


def test_telco_blank_total_charges_are_kept_and_reported(telco) -> None:
    table, a = telco
    m = a.metrics()
    assert table.rows == 7043 and m["n_train"] + m["n_test"] == 7043      # nothing silently dropped
    assert m["n_blank_values"] == 11
    assert any(n.startswith("TotalCharges: 11 blank value(s)") for n in a.notes)
    assert a.X["TotalCharges"].isna().sum() == 11
    assert (a.X.loc[a.X["TotalCharges"].isna(), "tenure"] == 0).all()   # the README: all of them tenure 0
    assert m["positive_rate"] == pytest.approx(1869 / 7043, abs=1e-4)
    assert m["n_test"] == 1409                                              # stratified 20%


def test_telco_lightgbm_reaches_the_published_auc(telco) -> None:
    _, a = telco
    m = a.metrics()
    assert m["lgbm_roc_auc"] >= 0.84
    assert 0.80 <= m["logreg_roc_auc"] <= 0.87 and 0.80 <= m["rf_roc_auc"] <= 0.87
    assert m["lgbm_minus_logreg_low"] <= m["lgbm_minus_logreg_roc_auc"] <= m["lgbm_minus_logreg_high"]
    assert m["top_decile_lift"] > 2.3                                        # riskiest tenth churns 2.3x+ as often
    assert a.importance.index[0] in {"Contract", "tenure"}                   # the well-known leading drivers
    assert m["n_scored"] == 7043 and a.scores["in_training"].sum() == m["n_train"]


def test_telco_is_published_beside_the_company_world_never_over_it(telco, tmp_path, monkeypatch) -> None:
    import pandas as pd

    from experiments.churn import publish
    from experiments.data import processed

    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    _, a = telco
    assert not a.is_company_world
    written = publish.publish_outputs(a)
    assert written[0].startswith(processed.results_label(False)) and not paths.processed_dir().exists()
    scores = pd.read_parquet(processed.current_dir(processed.flat_dir()) / "churn_scores.parquet")
    assert len(scores) == 7043 and scores["customer_id"].is_unique  # every Telco customer, once
