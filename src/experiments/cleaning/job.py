"""The whole 01 job in one shape: pick the input, clean it, evaluate it where a truth exists, publish it.

The notebook calls ``clean_input`` once, whatever the input: the company world (``input_path`` empty: every raw
source of ``conf/catalog.yaml``) or a flat order-lines table (``input_path`` plus the ``<role>_col`` parameters,
read by ``experiments.data.inputs``). Both give a ``CleaningResult``; what a flat table cannot have (person
records, entity resolution, lineage) is empty, and the report's sections ask the result, not the input mode.

Production cleaning never reads the planted truth: ``evaluate_er`` is called with ``truth_dir`` only where the
company world is being evaluated (``planted_truth_dir`` finds it for a generated world).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from experiments.cleaning.entity_resolution import Resolution
from experiments.cleaning.evaluate import compare_with_baseline, pair_scores
from experiments.cleaning.flat import OPTIONAL_ROLES, ROLES, clean_order_lines
from experiments.cleaning.pipeline import CleaningResult, clean_company, effective_as_of
from experiments.data import inputs, paths, processed


def clean_input(input_path: str, roles: Mapping[str, str], *, input_encoding: str = "", input_sheet: str = "",
                date_order: str = "auto", date_format: str = "", cancel_prefix: str = "C", as_of: str = "",
                er_method: str = "splink", er_threshold: float = 0.5, survivorship_default: str = "",
                survivorship_rules: Mapping[str, str] | None = None, rule_actions: Mapping[str, str] | None = None,
                impute_city_from_phone: bool = False, seed: int = 42) -> tuple[CleaningResult, list[Path]]:
    """Clean the company world (empty ``input_path``) or a flat order-lines table; return (result, files read).

    ``roles`` maps the flat-table roles (``order``, ``item``, ``item_name``, ``quantity``, ``price``, ``date``,
    ``customer``, ``country``) to columns; it is ignored for the company world.
    """
    if not str(input_path or "").strip():
        raw = paths.raw_dir()
        result = clean_company(raw, as_of=as_of, er_method=er_method, er_threshold=er_threshold,
                               survivorship_default=survivorship_default, survivorship_rules=survivorship_rules,
                               rule_actions=rule_actions, impute_city_from_phone=impute_city_from_phone, seed=seed)
        return result, [raw]
    table = inputs.load_input(input_path, {r: roles.get(r, "") for r in ROLES}, optional=OPTIONAL_ROLES,
                              encoding=input_encoding, sheet=input_sheet)
    flat = clean_order_lines(table.frame, table.columns, source_name=table.source, date_order=date_order,
                             date_format=date_format, cancel_prefix=cancel_prefix, as_of=effective_as_of(as_of),
                             rule_actions=rule_actions)
    result = CleaningResult(tables=flat.tables, lineage=None, records=None, raw={"order_lines": table.frame},
                            log=flat.log, quarantine=flat.quarantine, order_counts={"order_lines": flat.counts},
                            imputed=None, resolution=None, metrics=dict(flat.metrics))
    result.input = table
    return result, [table.path]


def planted_truth_dir(raw_dir: Path | None = None) -> Path | None:
    """Return the planted-truth folder of a generated company world (``raw/_truth`` with its manifest), else None."""
    truth = (raw_dir or paths.raw_dir()) / "_truth"
    return truth if (truth / "manifest.json").is_file() and (truth / "person_records.csv").is_file() else None


def evaluate_er(result: CleaningResult, truth_dir: Path | None) -> pd.DataFrame | None:
    """Score the entity resolution against the planted truth and the deterministic baseline (one row each).

    Adds ``er_precision``, ``er_recall``, ``er_f1`` to ``result.metrics`` and ``result.er_scores``. Returns None
    (and changes nothing) when there is no resolution (a flat table) or no ``truth_dir``.
    """
    if result.resolution is None or truth_dir is None:
        return None
    truth = pd.read_csv(Path(truth_dir) / "person_records.csv", dtype=str)
    scores = pair_scores(result.resolution.clusters, truth)
    result.er_scores = scores
    result.metrics.update({"er_precision": round(scores["precision"], 4), "er_recall": round(scores["recall"], 4),
                           "er_f1": round(scores["f1"], 4)})
    return compare_with_baseline(result.records, result.resolution.method, scores, truth)


def output_folder(processed_dir: str, flat: bool) -> Path:
    """Where the contract tables go: ``processed_dir`` when given; else ``data/processed`` for the company world and
    ``data/interim/flat/processed`` for a flat table (so cleaning your own file never replaces the company world's
    tables; the reports folder never receives processed or quarantined rows)."""
    if processed_dir:
        return paths.resolve(processed_dir)
    return processed.results_folder(company_world=not flat)


def publish_outputs(result: CleaningResult, folder: Path) -> Path:
    """Publish the contract tables, the lineage and ``quarantine/<source>.csv`` as one new version of ``folder``.

    The whole set replaces the previous one atomically (``experiments.data.processed.publish``), so tables derived
    from the old customer ids (segments, scores) are not carried over. Returns the new version's folder.
    """
    tables = dict(result.tables)
    if result.lineage is not None:
        tables["lineage"] = result.lineage
    files: dict[str, bytes] = {}
    for source in result.quarantine.frames:
        buf = io.StringIO()
        result.quarantine.rows(source).to_csv(buf, index=False)
        files[f"quarantine/{source}.csv"] = buf.getvalue().encode("utf-8")
    return processed.publish(tables, files=files, replace_all=True, processed=folder)


def has_people(result: CleaningResult) -> bool:
    """True when the input had person records to standardise and merge (the company world)."""
    return isinstance(result.resolution, Resolution) and result.records is not None
