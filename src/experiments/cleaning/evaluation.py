"""The cleaning against the company world's planted truth (the only module of the package that reads ``_truth/``):
precision, recall and F1 of merged record pairs, next to a deterministic baseline.

Called by notebook 01's "against the planted truth" section and by tests, never by ``run``.

A *merged pair* is two records given the same cluster (customer_id). Truth pairs are records of the same person in
``_truth/person_records.csv``. Pairs are counted from cluster sizes, so no pair list is materialised:
``pairs(cluster) = n (n - 1) / 2``; true positives are counted on the (cluster, person) cross-tab.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.data import paths


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


@dataclass
class TruthScores:
    """The merge scored against the planted truth: ``metrics`` (``er_precision``, ``er_recall``, ``er_f1``) and
    ``table`` (the run's method next to the deterministic baseline); both empty when there is no truth to score."""

    metrics: dict[str, Any] = field(default_factory=dict)
    table: pd.DataFrame | None = None


def planted_truth_dir(raw_dir: Path | None = None) -> Path | None:
    """Return the planted-truth folder of a generated company world (``raw/_truth`` with its manifest), else None."""
    truth = (raw_dir or paths.raw_dir()) / "_truth"
    return truth if (truth / "manifest.json").is_file() and (truth / "person_records.csv").is_file() else None


def world_as_of(raw_dir: Path) -> str:
    """The generated world's own today (``_truth/manifest.json`` ``as_of``), for tests that clean a world they
    generated with another size or seed than a profile names; '' when the world states none."""
    manifest = Path(raw_dir) / "_truth" / "manifest.json"
    return str(json.loads(manifest.read_text(encoding="utf-8")).get("as_of") or "") if manifest.is_file() else ""


def planted_scores(result: Any, truth_dir: Path | None = None) -> TruthScores:
    """Score ``result``'s entity resolution against the planted truth (``truth_dir``, default: the generated
    world's ``raw/_truth``): ``er_precision``, ``er_recall``, ``er_f1`` (rounded to 4 places) and the comparison
    with the deterministic baseline. Empty ``TruthScores`` for a flat table or a world without a planted truth."""
    truth_dir = truth_dir if truth_dir is not None else (None if result.config.is_flat else planted_truth_dir())
    if not result.has_people or truth_dir is None:
        return TruthScores()
    truth = pd.read_csv(Path(truth_dir) / "person_records.csv", dtype=str)
    scores = pair_scores(result.resolution.clusters, truth)
    metrics = {"er_precision": round(scores["precision"], 4), "er_recall": round(scores["recall"], 4),
               "er_f1": round(scores["f1"], 4)}
    return TruthScores(metrics=metrics, table=compare_with_baseline(result.records, result.resolution.method, scores,
                                                                     truth))


def clean_company(raw_dir: str | Path, *, truth_dir: str | Path | None = None, **overrides: Any) -> Any:
    """Clean the generated company world in ``raw_dir`` as notebook 01 does (its parameters cell, ``overrides``,
    ``as_of`` the world's own today unless given): the helper of tests and benchmarks that generate their own world.

    Returns the ``Result`` with ``truth`` (a ``TruthScores``, scored against ``truth_dir`` when given).
    """
    from experiments.cleaning.analysis import run
    from experiments.cleaning.config import NOTEBOOK, Config
    from experiments.cleaning.sources import load_company
    from experiments.lab.config import notebook_parameters

    overrides = {"as_of": world_as_of(Path(raw_dir))} | {k: v for k, v in overrides.items() if v is not None}
    result = run(Config.from_parameters(notebook_parameters(NOTEBOOK, None, overrides)), load_company(Path(raw_dir)))
    result.truth = planted_scores(result, Path(truth_dir)) if truth_dir is not None else TruthScores()
    return result
