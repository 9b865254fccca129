"""Score entity resolution against planted truth: precision, recall and F1 of merged record pairs.

A *merged pair* is two records given the same cluster (customer_id). Truth pairs are records of the same person in
``_truth/person_records.csv``. Pairs are counted from cluster sizes, so no pair list is materialised:
``pairs(cluster) = n (n - 1) / 2``; true positives are counted on the (cluster, person) cross-tab.
"""

from __future__ import annotations

import pandas as pd


def _n_pairs(sizes: pd.Series) -> int:
    s = sizes.astype("int64")
    return int((s * (s - 1) // 2).sum())


def pair_scores(clusters: pd.DataFrame, truth: pd.DataFrame, cluster_col: str = "cluster_id",
                person_col: str = "person_id") -> dict[str, float]:
    """Return precision, recall, F1 and pair counts of ``clusters`` (record_id, cluster) vs ``truth``.

    Records absent from either side are ignored (they cannot be scored). Precision with no predicted pairs is 1.0
    and recall with no true pairs is 1.0 (nothing to find).
    """
    merged = clusters[["record_id", cluster_col]].astype({"record_id": str}).merge(
        truth[["record_id", person_col]].astype({"record_id": str}), on="record_id", how="inner")
    predicted = _n_pairs(merged.groupby(cluster_col).size())
    actual = _n_pairs(merged.groupby(person_col).size())
    true_pos = _n_pairs(merged.groupby([cluster_col, person_col]).size())
    precision = true_pos / predicted if predicted else 1.0
    recall = true_pos / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "n_true_pairs": actual, "n_predicted_pairs": predicted,
            "n_true_positive_pairs": true_pos, "n_records_scored": len(merged)}


def compare_with_baseline(records: pd.DataFrame, method: str, scores: dict[str, float],
                          truth: pd.DataFrame) -> pd.DataFrame:
    """Return one row per method: the run's entity resolution (``method``, its ``scores``) and the deterministic
    baseline (same phone, or same email, or same name + city) scored on the same ``records`` against ``truth``.

    This is the measurement behind keeping splink: the run should beat the baseline's F1.
    """
    from experiments.cleaning.entity_resolution import resolve_deterministic

    baseline = pair_scores(resolve_deterministic(records).clusters, truth)
    return pd.DataFrame([{"method": method, **scores}, {"method": "deterministic baseline", **baseline}])
