"""What the cleaning reads: ``load(config) -> Data``, the company world's raw sources or a flat order-lines table.

The company world's raw sources: where each file is, how to read it, and how its columns map onto a common layout.

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

from experiments.cleaning.config import OPTIONAL_ROLES, ROLE_PARAMETERS, ROLES, Config
from experiments.common.files import fingerprint
from experiments.data import inputs, paths
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


#: the company world's source kinds the cleaning reads, in the order it cleans them
CLEANED_KINDS = ("person", "items", "orders", "feedback", "ad_events", "service", "campaign")


@dataclass
class Data:
    """What was read: the company world's raw frames by source name (``raw_dir`` and ``frames``), or a flat
    order-lines table (``table``: frame, role columns, source name, fingerprint); ``inventory`` is what the run info
    records (the flat table itself, or the company world's list of files)."""

    raw_dir: Path | None = None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    table: inputs.InputTable | None = None
    inventory: inputs.InputTable | None = None   # the company world's files, for the run info


def load(config: Config) -> Data:
    """Read the input of ``config``: every raw source of the company world (``input_path`` empty; files and column
    mappings from ``conf/catalog.yaml``) or the flat order-lines table with its role columns."""
    if config.is_flat:
        table = inputs.load_input(config.input_path, {r: config.roles.get(r, "") for r in ROLES},
                                  optional=OPTIONAL_ROLES, encoding=config.input_encoding, sheet=config.input_sheet,
                                  sep=config.input_sep, header=config.input_header, names=ROLE_PARAMETERS)
        return Data(table=table, inventory=table)
    return load_company(paths.raw_dir())


def load_company(raw_dir: Path) -> Data:
    """Read every raw source of the company world in ``raw_dir`` (``CLEANED_KINDS``, files from the catalog).

    ``Data.table`` stays None (nothing flat to clean); ``inventory`` describes what was read for the run info: one
    row per source file with its rows, and the fingerprint of the files."""
    raw_dir = Path(raw_dir)
    configs = {name: cfg for kind in CLEANED_KINDS for name, cfg in company_sources(kind).items()}
    frames = {name: read_source(raw_dir, cfg) for name, cfg in configs.items()}
    listing = pd.DataFrame({"source": list(frames), "file": [configs[n].file for n in frames],
                            "rows": [len(f) for f in frames.values()]})
    inventory = inputs.InputTable(frame=listing, columns={}, source=f"company world: {len(frames)} raw sources "
                                  "(one row per source)", path=raw_dir,
                                  fingerprint=fingerprint([raw_dir / c.file for c in configs.values()]),
                                  extra={"company": True})
    return Data(raw_dir=raw_dir, frames=frames, inventory=inventory)
