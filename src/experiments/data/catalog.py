"""The data catalog: ``conf/catalog.yaml`` names every dataset the notebooks read (file, format, encoding, sheet,
the mapping of its columns onto contract roles, and per-dataset options).

Path templates: ``{raw}`` is the raw data folder (``data/raw`` or ``$CIL_DATA_DIR/raw``), ``{datasets}`` the public
datasets folder (``../shared/datasets`` or ``$CIL_DATASETS``); other relative paths are from the project root.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from experiments.data import paths
from experiments.data.tables import DataInputError, read_table

ENTRY_KEYS = {"path", "format", "encoding", "sheet", "columns", "options", "description"}


@dataclass(frozen=True)
class CatalogEntry:
    """One named dataset: where it is, how to read it, and ``columns`` as ``{role: column in the file}``."""

    name: str
    path: str
    format: str | None = None
    encoding: str | None = None
    sheet: str | int | None = 0
    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    @property
    def filename(self) -> str:
        """The file's name (the last part of ``path``)."""
        return Path(self.path).name

    def resolve(self) -> Path:
        """Return the absolute path, with ``{raw}`` and ``{datasets}`` filled in."""
        return paths.resolve(self.path.format(raw=paths.raw_dir(), datasets=paths.datasets_dir()))

    def read(self, **kwargs: Any) -> pd.DataFrame:
        """Read the dataset with ``tables.read_table`` (errors name the file)."""
        return read_table(self.resolve(), fmt=self.format, encoding=self.encoding, sheet=self.sheet, **kwargs)


def load_catalog(path: Path | None = None) -> dict[str, CatalogEntry]:
    """Return every entry of ``conf/catalog.yaml`` (or ``path``) by name, checking each entry's keys."""
    source = path or paths.conf_dir() / "catalog.yaml"
    if not source.is_file():
        raise DataInputError(f"{source}: catalog not found")
    data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    entries = {}
    for name, raw in (data.get("datasets") or {}).items():
        unknown = set(raw) - ENTRY_KEYS
        if unknown or "path" not in raw:
            raise DataInputError(f"{source.name}: dataset {name!r} needs a 'path' and may only have "
                                 f"{sorted(ENTRY_KEYS)}; found {sorted(raw)}")
        entries[name] = CatalogEntry(name=name, path=str(raw["path"]), format=raw.get("format"),
                                     encoding=raw.get("encoding"), sheet=raw.get("sheet", 0),
                                     columns={str(k): str(v) for k, v in (raw.get("columns") or {}).items()},
                                     options=dict(raw.get("options") or {}), description=raw.get("description", ""))
    return entries


#: The layouts of the company world's raw sources (``options.kind``); entries with another kind or none are public
#: datasets.
COMPANY_KINDS = ("person", "orders", "items", "feedback", "ad_events", "service", "campaign", "prospects")


def company_entries(kind: str | None = None) -> list[CatalogEntry]:
    """Return the company world's raw sources in catalog order (all, or those of one ``kind``).

    Read on each call, never at import time: the catalog is the one place that names these files.
    """
    return [e for e in load_catalog().values()
            if e.options.get("kind") in COMPANY_KINDS and (kind is None or e.options.get("kind") == kind)]


def entry(name: str) -> CatalogEntry:
    """Return the catalog entry ``name``; an unknown name is an error listing the known ones."""
    catalog = load_catalog()
    if name not in catalog:
        raise DataInputError(f"conf/catalog.yaml: no dataset {name!r}; known: {', '.join(catalog)}")
    return catalog[name]
