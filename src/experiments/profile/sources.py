"""Reading the published tables the profile joins (company world: ``data/processed``; or your own files through the
``<table>_path`` parameters) with each table's run id, run time and freshness, and the prospects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from experiments.common.dates import parse_dates
from experiments.common.files import fingerprint
from experiments.data import contracts, paths
from experiments.data.processed import current_dir, provenance
from experiments.data.tables import read_table as read_file
from experiments.profile.config import TABLES, Config

FRESH, STALE, MISSING = "fresh", "stale", "not computed"


@dataclass
class Source:
    """One table the profile reads: its frame (None when missing or stale), where it came from and how old it is."""

    name: str
    frame: pd.DataFrame | None
    status: str
    run_id: str = ""
    run_time: str = ""
    origin: str = ""
    age_days: float | None = None

    @property
    def usable(self) -> bool:
        """True when the table is there and fresh enough to use."""
        return self.status == FRESH and self.frame is not None


@dataclass
class Data:
    """The tables (name -> Source), the prospects (None when there are none) and the reference time."""

    tables: dict[str, Source]
    prospects: pd.DataFrame | None
    prospects_origin: str
    as_of: pd.Timestamp
    company_world: bool
    items: pd.DataFrame | None = None


def reference_time(config: Config) -> pd.Timestamp:
    """``as_of`` (UTC) when given, else now: the end of the last-``negative_days`` window (ages use the clock)."""
    if config.as_of:
        stamp = pd.Timestamp(parse_dates(pd.Series([config.as_of])).values.iloc[0])
        return stamp.tz_convert("UTC") if stamp.tzinfo else stamp.tz_localize("UTC")
    return pd.Timestamp(datetime.now(UTC))


NOT_RECORDED = "not recorded"


def _stamp(path: Path, published: dict[str, str] | None = None) -> tuple[str, str, float]:
    """The table's run id, run time (UTC) and age in days (now). A published table: the run that published it and
    when (``data.processed.provenance``; a run id ``not recorded`` when it was published outside the runner or
    before provenance was kept, its time then the file's). Your own file: its fingerprint and modification time."""
    if published is not None:
        when = pd.Timestamp(published["published_at"], tz="UTC") if published.get("published_at") else None
        run_id = published.get("run_id") or NOT_RECORDED
    else:
        when, run_id = None, fingerprint([path])
    if when is None:
        when = pd.Timestamp(path.stat().st_mtime, unit="s", tz="UTC")
    age = (pd.Timestamp(datetime.now(UTC)) - when).total_seconds() / 86400
    return run_id, f"{when:%Y-%m-%d %H:%M:%S}", age


def read_table(name: str, own_path: str, max_age_days: float) -> Source:
    """One table: your file (``own_path``) or the published one; a missing table is ``not computed``, an old one
    ``stale`` (frame dropped: its values are not shown as if current)."""
    if own_path:
        path = paths.resolve(own_path)
        if not path.is_file():
            return Source(name, None, MISSING, origin=f"{path.name} not found")
        frame = read_file(path)
        origin, published = path.name, None
    else:
        path = current_dir() / f"{name}.parquet"
        if not path.is_file():
            return Source(name, None, MISSING, origin="not published")
        frame = contracts.load_processed(name)
        origin, published = f"data/processed/{name}", provenance().get(name, {})
    run_id, run_time, age = _stamp(path, published)
    if "customer_id" in frame.columns:
        frame = frame.assign(customer_id=frame["customer_id"].astype("string"))
    status = STALE if age > max_age_days else FRESH
    return Source(name, frame if status == FRESH else None, status, run_id, run_time, origin, round(age, 2))


def read_prospects(config: Config) -> tuple[pd.DataFrame | None, str]:
    """Prospects: ``prospects_path``, or the company world's raw ``prospects.csv`` (people who never bought)."""
    if config.prospects_path:
        path = paths.resolve(config.prospects_path)
        return read_file(path), path.name
    if not config.company_world:
        return None, "no prospects_path"
    path = paths.raw_dir() / "prospects.csv"
    if not path.is_file():
        return None, "no prospects.csv in data/raw"
    return pd.read_csv(path, dtype={"prospect_id": "string"}), "data/raw/prospects.csv"


def load(config: Config) -> Data:
    """Read every table of ``TABLES`` (your file where its ``<table>_path`` is set, else the published one) and the
    prospects."""
    as_of = reference_time(config)
    own = not config.company_world
    tables = {}
    for name in TABLES:
        path = config.paths.get(name, "")
        if own and not path:
            tables[name] = Source(name, None, MISSING, origin=f"no {name}_path")
        else:
            tables[name] = read_table(name, path, config.max_age_days)
    prospects, origin = read_prospects(config)
    items = None
    if config.company_world and (current_dir() / "items.parquet").is_file():
        items = contracts.load_processed("items")
    return Data(tables=tables, prospects=prospects, prospects_origin=origin, as_of=as_of,
                company_world=config.company_world, items=items)
