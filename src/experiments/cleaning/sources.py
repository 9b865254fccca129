"""The company world's raw sources: where each file is, how to read it, and how its columns map onto a common layout.

Customer sources map onto the *person-record layout* ``record_id, source, name, phone, email, city, address, gender,
birth_date, birth_year, registered_at`` (raw text, standardised later); order sources onto the order-lines layout of
``experiments.cleaning.orders``. A source's config is data: its entry in ``conf/catalog.yaml`` (file, format,
encoding, sheet, column mapping, and options kind / trust / date_order / utc_offset_hours), so a renamed column is a
one-line change there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.data.catalog import CatalogEntry, company_entries
from experiments.data.tables import DataInputError, read_table, require_columns

PERSON_COLUMNS = ["record_id", "source", "name", "phone", "email", "city", "address", "gender", "birth_date",
                  "birth_year", "registered_at"]


@dataclass(frozen=True)
class SourceConfig:
    """How to read one raw file and map its columns (``columns``: layout column -> file column)."""

    name: str
    file: str
    kind: str  # "person", "orders", "items", "feedback", "ad_events"
    columns: dict[str, str]
    encoding: str | None = None
    sheet: str | int | None = 0
    date_order: str = "dmy"          # how slash dates of this source are written (see standardise)
    utc_offset_hours: float = 0.0    # local time of naive timestamps (POS: Beijing, UTC+8)
    trust: int = 0                   # survivorship 'most trusted source' rank (higher wins)
    optional: tuple[str, ...] = field(default_factory=tuple)
    channel: str = ""                # order sources: the orders' channel
    status_map: dict[str, str] = field(default_factory=dict)  # order sources: raw status -> contract status


def source_from_entry(entry: CatalogEntry) -> SourceConfig:
    """Build a ``SourceConfig`` from a catalog entry of the company world (its ``options.kind`` says the layout)."""
    opts = entry.options
    return SourceConfig(name=entry.name, file=entry.filename, kind=str(opts["kind"]), columns=dict(entry.columns),
                        encoding=entry.encoding, sheet=entry.sheet, date_order=str(opts.get("date_order", "dmy")),
                        utc_offset_hours=float(opts.get("utc_offset_hours", 0.0)), trust=int(opts.get("trust", 0)),
                        optional=tuple(opts.get("optional", ())), channel=str(opts.get("channel", "")),
                        status_map={str(k): str(v) for k, v in (opts.get("status_map") or {}).items()})


def company_sources(kind: str | None = None) -> dict[str, SourceConfig]:
    """Return the company world's raw sources (all, or one ``kind``) from ``conf/catalog.yaml``, read on each call."""
    return {e.name: source_from_entry(e) for e in company_entries(kind)}


def read_source(raw_dir: Path, cfg: SourceConfig) -> pd.DataFrame:
    """Read one raw file as text-preserving columns (ids keep leading zeros) and check its mapped columns.

    Raises ``DataInputError`` naming the file for a missing, empty or undecodable file or a missing column.
    """
    path = Path(raw_dir) / cfg.file
    dtype = None if cfg.file.endswith((".jsonl", ".xlsx")) else str
    df = read_table(path, encoding=cfg.encoding, sheet=cfg.sheet, dtype=dtype)
    if df.empty:
        raise DataInputError(f"{cfg.file}: has a header but no rows")
    required = [c for k, c in cfg.columns.items() if k not in cfg.optional]
    require_columns(df, required, cfg.file)
    return df


def to_person_layout(df: pd.DataFrame, cfg: SourceConfig) -> pd.DataFrame:
    """Map a raw customer file onto ``PERSON_COLUMNS`` (missing ones are empty), keeping the raw index."""
    out = pd.DataFrame(index=df.index)
    for col in PERSON_COLUMNS:
        if col == "source":
            out[col] = cfg.name
        elif col in cfg.columns:
            out[col] = df[cfg.columns[col]]
        else:
            out[col] = pd.NA
    out["record_id"] = out["record_id"].astype("string").str.strip()
    return out


def to_order_layout(df: pd.DataFrame, cfg: SourceConfig) -> pd.DataFrame:
    """Map a raw order file onto the order-lines layout: ``channel`` and the statuses from the source's catalog
    options (``channel``, ``status_map``); an unknown status is an error naming the file, column and values."""
    out = pd.DataFrame({k: df[c] for k, c in cfg.columns.items()}, index=df.index)
    status = out["status"].astype("string").str.strip().str.lower()
    mapped = status.map(cfg.status_map)
    unknown = status.notna() & mapped.isna()
    if unknown.any():
        raise DataInputError(f"{cfg.file}: column '{cfg.columns['status']}' has {int(unknown.sum())} unknown values "
                             f"{sorted(status[unknown].unique())[:5]}; expected one of {sorted(cfg.status_map)}")
    out["status"] = mapped.fillna("completed")
    out["channel"] = cfg.channel
    return out
