"""What the overview reads: ``load(config) -> Data``, the raw files of the company world as delivered.

Files are read without cleaning (see docs/raw_sources.md); which file holds what comes from ``conf/catalog.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from experiments.common.files import fingerprint
from experiments.data import inputs, paths
from experiments.data.catalog import CatalogEntry, company_entries
from experiments.data.tables import read_table
from experiments.overview.config import Config

FEEDBACK_FILE = "feedback.jsonl"   # the feedback messages (counted by channel)
AD_FILE = "ad_events.csv"          # the ad-experiment units (counted by experiment and variant)


@dataclass
class Data:
    """The raw folder, its files as read (file name -> frame) and the order files read as text (for their dates)."""

    raw_dir: Path
    frames: dict[str, pd.DataFrame]
    order_text: dict[str, pd.DataFrame]
    input: inputs.InputTable   # what the run info records: one row per raw file, fingerprint of the files


def customer_sources() -> dict[str, str]:
    """The company's customer-record files and their names in reports (``conf/catalog.yaml``, kind person)."""
    return {e.filename: str(e.options.get("label", e.name)) for e in company_entries("person")}


def order_sources() -> dict[str, CatalogEntry]:
    """The company's order-line files and their catalog entries (kind orders)."""
    return {e.filename: e for e in company_entries("orders")}


def raw_files(raw_dir: Path) -> list[Path]:
    """The raw files of ``raw_dir`` (hidden files and folders left out); an empty folder is an error."""
    files = sorted(p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith((".", "_")))
    if not files:
        raise FileNotFoundError(f"{raw_dir}: no raw files; run `python -m experiments data generate` first")
    return files


def load(config: Config) -> Data:
    """Read every raw file of ``config.raw_dir`` (empty: the project's data/raw) as delivered."""
    raw_dir = Path(config.raw_dir) if config.raw_dir else paths.raw_dir()
    files = raw_files(raw_dir)
    frames = {p.name: read_table(p) for p in files}
    order_text = {name: read_table(raw_dir / name, dtype=str) for name in order_sources() if (raw_dir / name).is_file()}
    listing = pd.DataFrame({"file": list(frames), "rows": [len(f) for f in frames.values()]})
    table = inputs.InputTable(frame=listing, columns={}, source=f"company world: {len(files)} raw files (one row per "
                              "file)", path=raw_dir, fingerprint=fingerprint(files), extra={"company": True})
    return Data(raw_dir=raw_dir, frames=frames, order_text=order_text, input=table)
