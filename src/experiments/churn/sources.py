"""Notebook 04's input: the company world's processed tables (plus other notebooks' outputs when present) or one flat
table (one row per customer) through the shared loader ``data.inputs.load_input``; ``load(config) -> Data``.

Company world: ``orders``, ``items``, ``feedback`` and ``customers`` (validated contracts), the training snapshot and
the score date (``labels.resolve_snapshot`` / ``resolve_score_date``). Optional inputs (read from
``experiments.data.processed.current_dir()`` only when the file exists; other notebooks write them, so their absence
is normal and reported):
- ``service_contacts.parquet`` (01's service log): conversations opened, left unresolved and rated 1-2 before the
  snapshot;
- ``feedback_scored.parquet`` / ``care_queue.parquet`` (feedback notebook): one row per message with a sentiment and
  a care grade; turned into per-message ``negative`` and ``severity`` flags that the features count *before* the
  snapshot only (a message's sentiment is a property of the message, so this adds no look-ahead);
- ``segments.parquet`` (segmentation notebook): segment and CLV per customer. They describe customers as of the
  segmentation run (today), so they are NOT training features at a past snapshot (that would be look-ahead): the
  CLV values the contact list and the segment is shown with it.

Flat table: the customer, label and optional value columns named by ``customer_col``, ``label_col`` and
``value_col``, typed by ``prepare.prepare_flat``; the value is ``value_col`` times ``value_multiplier`` (else
``customer_value`` each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from experiments.churn import labels
from experiments.churn.config import Config
from experiments.churn.prepare import FlatTable, prepare_flat
from experiments.common.errors import DataInputError, example_rows
from experiments.common.files import fingerprint
from experiments.common.ids import id_text
from experiments.data import contracts, inputs, processed
from experiments.data.inputs import InputTable

SEGMENT_COLS = ("segment", "rfm_segment", "segment_name", "segment_label", "value_tier", "cluster")
CLV_COLS = ("clv", "clv_12m", "predicted_clv", "expected_clv", "clv_value", "customer_value")
SENTIMENT_COLS = ("sentiment", "sentiment_label", "label")
SEVERITY_COLS = ("severity", "care_grade", "grade", "care_level")
CONTACT_COLS = ("customer_id", "opened_at", "resolved_at", "resolved", "satisfaction")
"""The columns of ``service_contacts`` the features read (``features.build_features``)."""
SEVERITY = {"none": 0, "mild": 1, "low": 1, "moderate": 2, "medium": 2, "severe": 3, "high": 3, "critical": 3}


@dataclass
class CompanyInputs:
    """The tables churn reads from the company world, and what optional input was found."""

    orders: pd.DataFrame
    items: pd.DataFrame
    feedback: pd.DataFrame
    customers: pd.DataFrame
    scored: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None
    contacts: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def _first(columns, wanted) -> str | None:
    return next((c for c in wanted if c in columns), None)


def scored_feedback(feedback: pd.DataFrame, scored: pd.DataFrame | None,
                    care: pd.DataFrame | None) -> tuple[pd.DataFrame | None, str]:
    """Return per-message ``customer_id``, ``created_at``, ``negative`` (bool), ``severity`` (0-3) from the
    feedback notebook's outputs joined to the processed feedback on ``feedback_id``, and a note of what was used."""
    frames = [f for f in (scored, care) if f is not None and "feedback_id" in f.columns]
    if not frames:
        return None, "no feedback_scored.parquet or care_queue.parquet: negative-feedback features skipped"
    base = feedback[["feedback_id", "customer_id", "created_at"]].copy()
    base["negative"] = False
    base["severity"] = 0
    used = []
    for f in frames:
        f = f.drop_duplicates("feedback_id").set_index("feedback_id")
        ids = base["feedback_id"]
        sent = _first(f.columns, SENTIMENT_COLS)
        if sent is not None:
            base["negative"] |= ids.map(f[sent].astype(str).str.lower().eq("negative")).fillna(False).astype(bool)
            used.append(sent)
        sev = _first(f.columns, SEVERITY_COLS)
        if sev is not None:
            values = f[sev]
            level = (pd.to_numeric(values, errors="coerce") if pd.api.types.is_numeric_dtype(values)
                     else values.astype(str).str.lower().map(SEVERITY))
            base["severity"] = np.maximum(base["severity"], ids.map(level).fillna(0).astype(int))
            base["negative"] |= ids.map(level).fillna(0).astype(int) > 0
            used.append(sev)
    if not used:
        return None, "feedback outputs found but without a sentiment or severity column: skipped"
    return base, f"negative feedback from the feedback notebook (columns {', '.join(used)})"


TABLES = ("orders", "items", "feedback", "customers")


def from_tables(tables: dict[str, pd.DataFrame]) -> CompanyInputs:
    """Return ``CompanyInputs`` from in-memory contract tables (validated), with ``service_contacts`` when given."""
    inp = CompanyInputs(**{t: contracts.validate(tables[t], t) for t in TABLES},
                        notes=["in-memory tables: only the service log is optional here"])
    inp.contacts = tables.get("service_contacts")
    return inp


def load_company(folder: Path | None = None) -> CompanyInputs:
    """Read orders, items, feedback and customers (validated contracts) and the optional outputs that exist."""
    base = folder or processed.current_dir()
    tables = {t: contracts.load_processed(t, str(base)) for t in TABLES}
    inp = CompanyInputs(**tables, files=[base / f"{t}.parquet" for t in tables])
    optional = {}
    for name in ("feedback_scored", "care_queue", "segments", "service_contacts"):
        path = base / f"{name}.parquet"
        if path.is_file():
            # the service log's columns the features read, not its message texts (most of the file at xlarge)
            keep = ([c for c in CONTACT_COLS if c in pq.read_schema(path).names] if name == "service_contacts"
                    else None)
            optional[name] = pd.read_parquet(path, columns=keep)
            inp.files.append(path)
    inp.scored, note = scored_feedback(inp.feedback, optional.get("feedback_scored"), optional.get("care_queue"))
    inp.notes.append(note)
    sc = optional.get("service_contacts")
    if sc is not None and {"customer_id", "opened_at", "resolved_at"} <= set(sc.columns):
        inp.contacts = sc.assign(opened_at=pd.to_datetime(sc["opened_at"], utc=True),
                                 resolved_at=pd.to_datetime(sc["resolved_at"], utc=True))
        inp.notes.append("service_contacts.parquet found: service conversations, unresolved ones and low ratings "
                         "before the snapshot are features")
    else:
        inp.notes.append("no service_contacts.parquet: service-conversation features skipped")
    seg = optional.get("segments")
    if seg is not None and "customer_id" in seg.columns:
        keep = {"customer_id": "customer_id"}
        s_col, c_col = _first(seg.columns, SEGMENT_COLS), _first(seg.columns, CLV_COLS)
        if s_col:
            keep[s_col] = "segment"
        if c_col:
            keep[c_col] = "clv"
        inp.segments = seg[list(keep)].rename(columns=keep).drop_duplicates("customer_id")
        inp.segments["customer_id"] = inp.segments["customer_id"].astype(str)
        inp.notes.append(f"segments.parquet found: segment {'from ' + s_col if s_col else 'absent'}, "
                         f"CLV {'from ' + c_col if c_col else 'absent (annual spend used)'}")
    else:
        inp.notes.append("no segments.parquet: customer value is the spend of the last 365 days")
    return inp


@dataclass
class Data:
    """What the analysis reads: the ``input`` as read and either the company world's tables with the snapshot and
    score date, or a prepared flat table with each customer's value."""

    input: InputTable
    company: CompanyInputs | None = None
    snapshot: pd.Timestamp | None = None
    score_date: pd.Timestamp | None = None
    flat: FlatTable | None = None
    value: pd.Series | None = None  # flat table: the value column times value_multiplier (None: no value_col)

    @property
    def is_company_world(self) -> bool:
        """True for the company world's tables (a flat table has no snapshot)."""
        return self.company is not None


def flat_value(table: InputTable, multiplier: float) -> pd.Series | None:
    """Return the ``value`` role's numbers times ``multiplier``, indexed by the trimmed id (blank = 0); None when no
    ``value_col`` is given. A value that is not a number, or not finite (``inf``), is a ``DataInputError`` naming
    the rows."""
    col = table.columns.get("value")
    if not col:
        return None
    raw = table.frame[col]
    num = pd.to_numeric(raw, errors="coerce")
    bad = (num.isna() & raw.notna() & raw.astype(str).str.strip().ne("")) | num.isin([np.inf, -np.inf])
    if bad.any():
        raise DataInputError(f"{table.source}: value_col {col!r} has {int(bad.sum())} value(s) that are not "
                             f"finite numbers ({example_rows(bad)}); fix them or leave them blank (counted as 0)")
    ids = id_text(table.frame[table.columns["id"]]).to_numpy(dtype=object)
    return pd.Series(num.fillna(0.0).to_numpy(float) * multiplier, index=ids)


def company_data(inp: CompanyInputs, config: Config) -> Data:
    """Return the ``Data`` of the company world's tables ``inp`` (from ``load_company`` or ``from_tables``) with the
    snapshot and the score date of ``config``."""
    table = InputTable(frame=inp.orders, columns={}, source="company world: orders, items, feedback", path=None,
                       fingerprint=fingerprint(inp.files))
    snapshot = labels.resolve_snapshot(config.snapshot_date, config.label_days, inp.orders)
    return Data(input=table, company=inp, snapshot=snapshot,
                score_date=labels.resolve_score_date(config.score_date, inp.orders))


def load(config: Config) -> Data:
    """Read the input named by ``config``: the company world (empty ``input_path``) or one flat table."""
    if config.is_company_world:
        return company_data(load_company(), config)
    table = inputs.load_input(config.input_path, {"id": config.customer_col, "label": config.label_col,
                                                  "value": config.value_col},
                              optional=["value"], encoding=config.input_encoding, sheet=config.input_sheet,
                              sep=config.input_sep, header=config.input_header, names={"id": "customer_col"})
    flat = prepare_flat(table.frame, id_col=config.customer_col, label_col=config.label_col,
                        positive_label=config.positive_label, drop_cols=list(config.drop_cols),
                        categorical_cols=list(config.categorical_cols), source=table.source)
    return Data(input=table, flat=flat, value=flat_value(table, config.value_multiplier))


__all__ = ["CompanyInputs", "Data", "company_data", "flat_value", "from_tables", "load", "load_company"]
