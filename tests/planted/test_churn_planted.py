"""Churn on the generated company against the planted truth (``raw/_truth/churn.csv``, size small, seed 11).

The generator draws each person's churn from a logistic hazard (``experiments.synthetic.churn.COEF``) on recency,
falling frequency, late deliveries, returns, negative feedback, discount share and order count before the reference
date. Persons map to cleaned customers through ``_truth/person_records.csv`` and the customers' ``source_ids``. The
oracle AUC ranks the same test customers by their true probability: no model can beat it except by chance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.churn import company, evaluation, labels, pipeline


def _person_of_customer(customers: pd.DataFrame, truth_dir) -> pd.Series:
    records = pd.read_csv(truth_dir / "person_records.csv", dtype=str)
    ids = customers[["customer_id", "source_ids"]].assign(record_id=customers["source_ids"].str.split("|"))
    ids = ids.explode("record_id").merge(records[["record_id", "person_id"]], on="record_id")
    # a customer merged from several persons (an ER error) takes the person of most of its records
    counts = ids.groupby(["customer_id", "person_id"]).size().rename("n").reset_index()
    best = counts.sort_values(["customer_id", "n", "person_id"], ascending=[True, False, True])
    return best.drop_duplicates("customer_id").set_index("customer_id")["person_id"]


@pytest.fixture(scope="module")
def analysed(small_raw, small_clean):
    inp = company.from_tables(small_clean.tables)
    snapshot = labels.resolve_snapshot("", 90, inp.orders, small_raw)
    score_date = labels.resolve_score_date("", inp.orders, small_raw)
    a = pipeline.run_company(inp, snapshot=snapshot, score_date=score_date, label_days=90,
                             settings=pipeline.Settings(n_boot=100, seed=42))
    assert a.is_company_world  # publishes into data/processed
    truth = pd.read_csv(small_raw / "_truth" / "churn.csv", dtype={"person_id": str})
    person = _person_of_customer(inp.customers, small_raw / "_truth")
    p_true = person.map(truth.set_index("person_id")["churn_probability"])
    return a, p_true


def test_labels_match_the_planted_churn(analysed, small_raw) -> None:
    a, p_true = analysed
    truth = pd.read_csv(small_raw / "_truth" / "churn.csv")
    # population: the generator's buyers before the reference date, up to entity-resolution splits and merges
    assert abs(len(a.y) - len(truth)) <= 0.02 * len(truth)
    assert a.y.mean() == pytest.approx(truth["churned"].mean(), abs=0.01)
    assert p_true.reindex(a.y.index).notna().mean() > 0.99


def test_lightgbm_auc_reaches_ninety_percent_of_the_oracle(analysed) -> None:
    a, p_true = analysed
    test = a.X.index[a.split.test]
    y, truth = a.y.loc[test].to_numpy(), p_true.reindex(test).to_numpy()
    known = ~np.isnan(truth)
    oracle = evaluation.roc_auc(y[known], truth[known])
    lgbm = evaluation.roc_auc(y[known], a.fitted.test_proba["lgbm"][known])
    assert oracle > 0.75                          # the planted hazard is informative
    assert lgbm >= 0.5 + 0.9 * (oracle - 0.5), (lgbm, oracle)


def test_planted_drivers_lead_the_importance(analysed) -> None:
    a, _ = analysed
    imp = a.importance
    families = {
        "recency": {"recency_days"},
        "falling frequency": {"frequency_trend", "orders_last_90", "monetary_trend", "spend_last_90"},
        "bad service": {"late_deliveries", "returns", "feedback_count", "low_rating_count", "negative_feedback"},
        "price sensitivity": {"discount_share"},
    }
    top = list(imp.index[:6])
    for name, members in families.items():
        assert members & set(top), f"{name} not among the top features {top}"
    assert imp.index[0] in {"recency_days", "frequency_trend"}
    planted = set().union(*families.values())
    assert imp[imp.index.isin(planted)].sum() > 0.6 * imp.sum()
    # a feature the generator did not use ranks below every planted family's best member
    assert imp.index.get_loc("cancellations") > max(min(imp.index.get_loc(f) for f in m if f in imp.index)
                                                    for m in families.values())


def test_contact_list_is_consistent(analysed) -> None:
    a, _ = analysed
    c = a.contacts
    assert len(c) == a.metrics()["n_contacted"] > 0
    assert (c["expected_gain"] > 0).all() and c["expected_gain"].is_monotonic_decreasing
    assert set(c["action"]) <= {"priority service", "care call", "coupon"}
    assert c["reasons"].str.len().gt(0).mean() > 0.95
    assert a.scores["customer_id"].is_unique
