"""Notebook 04's entry point: read the input named by the parameters and run the analysis.

``run(params)`` takes the notebook's parameters (a dict) and returns ``(InputTable, ChurnAnalysis)``: with an empty
``input_path`` the company world (features as of the snapshot, labels from the ``label_days`` after it, the contact
list scored at ``score_date``), else one flat table read through ``experiments.data.inputs.load_input``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from experiments.churn import company, labels, pipeline
from experiments.churn.flat import prepare_flat
from experiments.data import inputs, paths
from experiments.data.tables import DataInputError, example_rows
from experiments.lab.notebook import fingerprint


def settings_from(params: Mapping[str, Any]) -> pipeline.Settings:
    """Return the analysis ``Settings`` from the notebook parameters (validated)."""
    cuts = list(params.get("tier_cuts", [0.3, 0.6]))
    if len(cuts) != 2:
        raise ValueError(f"tier_cuts must hold two probabilities, got {cuts}")
    return pipeline.Settings(test_fraction=float(params["test_fraction"]), seed=int(params["seed"]),
                             campaign_cost=float(params["campaign_cost"]),
                             campaign_success_rate=float(params["campaign_success_rate"]),
                             n_boot=int(params.get("n_boot", 500)), tier_cuts=tuple(cuts),
                             max_contacts=int(params.get("max_contacts", 0) or 0))


def _value(table: inputs.InputTable, multiplier: float) -> pd.Series | None:
    col = table.columns.get("value")
    if not col:
        return None
    raw = table.frame[col]
    num = pd.to_numeric(raw, errors="coerce")
    bad = num.isna() & raw.notna() & raw.astype(str).str.strip().ne("")
    if bad.any():
        raise DataInputError(f"{table.source}: value_col {col!r} has {int(bad.sum())} value(s) that are not "
                             f"numbers ({example_rows(bad)})")
    ids = table.frame[table.columns["id"]].astype("string").str.strip().to_numpy(dtype=object)
    return pd.Series(num.fillna(0.0).to_numpy(float) * multiplier, index=ids)


def run(params: Mapping[str, Any]) -> tuple[inputs.InputTable, pipeline.ChurnAnalysis]:
    """Read the input and run the churn analysis (see the module docstring)."""
    s = settings_from(params)
    if not params["input_path"]:
        inp = company.load_company()
        table = inputs.InputTable(frame=inp.orders, columns={}, source="company world: orders, items, feedback",
                                  path=None, fingerprint=fingerprint(inp.files))
        raw = paths.raw_dir()
        snapshot = labels.resolve_snapshot(params["snapshot_date"], int(params["label_days"]), inp.orders, raw)
        score_date = labels.resolve_score_date(params["score_date"], inp.orders, raw)
        return table, pipeline.run_company(inp, snapshot=snapshot, score_date=score_date,
                                           label_days=int(params["label_days"]), settings=s,
                                           late_days=int(params["late_days"]))
    table = inputs.load_input(params["input_path"], {"id": params["id_col"], "label": params["label_col"],
                                                     "value": params["value_col"]},
                              optional=["value"], encoding=params["input_encoding"], sheet=params["input_sheet"])
    drop = list(params["drop_cols"])
    flat = prepare_flat(table.frame, id_col=params["id_col"], label_col=params["label_col"],
                        positive_label=str(params["positive_label"]), drop_cols=drop,
                        categorical_cols=list(params["categorical_cols"] or []), source=table.source)
    value = _value(table, float(params["value_multiplier"]))
    return table, pipeline.run_flat(flat, settings=s, source=table.source, value=value,
                                    default_value=float(params["customer_value"]))
