"""Notebook 04 against the company world's planted truth (``raw/_truth/churn.csv``): the only churn module that reads
the truth; called by the notebook's "against the planted truth" section and by tests, never by ``analysis.run``.

The generator draws each person's churn from a logistic hazard (``experiments.synthetic.churn.COEF``) on recency,
falling frequency, late deliveries, returns, negative feedback, discount share and order count before the reference
date. Persons map to cleaned customers through ``_truth/person_records.csv`` and the customers' ``source_ids`` (a
customer merged from several persons, an entity-resolution error, takes the person of most of its records). The
oracle ROC-AUC ranks the same test customers by their true probability: no model can beat it except by chance.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.churn.metrics import roc_auc
from experiments.churn.result import Result


def person_of_customer(customers: pd.DataFrame, truth_dir: Path) -> pd.Series:
    """Return the planted person of each cleaned customer (index ``customer_id``)."""
    records = pd.read_csv(Path(truth_dir) / "person_records.csv", dtype=str)
    ids = customers[["customer_id", "source_ids"]].assign(record_id=customers["source_ids"].str.split("|"))
    ids = ids.explode("record_id").merge(records[["record_id", "person_id"]], on="record_id")
    counts = ids.groupby(["customer_id", "person_id"]).size().rename("n").reset_index()
    best = counts.sort_values(["customer_id", "n", "person_id"], ascending=[True, False, True])
    return best.drop_duplicates("customer_id").set_index("customer_id")["person_id"]


def planted_churn(customers: pd.DataFrame, truth_dir: Path) -> pd.DataFrame:
    """Return the planted ``churn_probability`` and ``churned`` of each cleaned customer (index ``customer_id``;
    customers without a planted person are absent)."""
    truth = pd.read_csv(Path(truth_dir) / "churn.csv", dtype={"person_id": str}).set_index("person_id")
    person = person_of_customer(customers, truth_dir)
    out = truth.reindex(person.to_numpy())[["churn_probability", "churned"]]
    out.index = person.index
    return out.dropna(subset=["churn_probability"])


def compare_with_planted(result: Result, customers: pd.DataFrame | None = None,
                  truth_dir: Path | None = None) -> dict[str, float] | None:
    """Compare the run with the planted truth: ``oracle_roc_auc`` and ``lgbm_roc_auc`` on the test customers that
    have a planted person, ``lgbm_share_of_oracle`` = (lgbm - 0.5) / (oracle - 0.5), ``planted_churn_rate`` of the
    generator's population and ``known_share`` (test customers mapped to a person). None when there is no planted
    truth (not a generated world, or a flat table)."""
    from experiments.data import contracts, paths

    truth_dir = Path(truth_dir) if truth_dir is not None else paths.truth_dir()
    if not result.is_company_world or not (truth_dir / "churn.csv").is_file():
        return None
    customers = customers if customers is not None else contracts.load_processed("customers")
    planted = planted_churn(customers, truth_dir)
    test = result.X.index[result.split.test]
    p_true = planted["churn_probability"].reindex(test).to_numpy(float)
    known = ~np.isnan(p_true)
    y = result.y.loc[test].to_numpy()
    oracle = roc_auc(y[known], p_true[known])
    lgbm = roc_auc(y[known], result.fitted.test_proba["lgbm"][known])
    population = pd.read_csv(truth_dir / "churn.csv")
    return {"oracle_roc_auc": round(oracle, 4), "lgbm_roc_auc": round(lgbm, 4),
            "lgbm_share_of_oracle": round((lgbm - 0.5) / (oracle - 0.5), 3) if oracle > 0.5 else float("nan"),
            "planted_churn_rate": round(float(population["churned"].mean()), 4),
            "known_share": round(float(known.mean()), 4)}


__all__ = ["compare_with_planted", "person_of_customer", "planted_churn"]
