"""What the raw data holds, as delivered: an inventory of sources and a few volumes over time.

Used by ``00_data_overview``. It reads the raw files of the company world (see docs/raw_sources.md) without
cleaning them: counts here are of raw rows, before de-duplication and repairs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.data.catalog import CatalogEntry, company_entries
from experiments.data.tables import read_table


def customer_sources() -> dict[str, str]:
    """The company's customer-record files and their names in reports (``conf/catalog.yaml``, kind person)."""
    return {e.filename: str(e.options.get("label", e.name)) for e in company_entries("person")}


def order_sources() -> dict[str, CatalogEntry]:
    """The company's order-line files and their catalog entries (kind orders)."""
    return {e.filename: e for e in company_entries("orders")}


def _raw_files(raw_dir: Path) -> list[Path]:
    files = sorted(p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith((".", "_")))
    if not files:
        raise FileNotFoundError(f"{raw_dir}: no raw files; run `python -m experiments data generate` first")
    return files


def source_inventory(raw_dir: Path) -> pd.DataFrame:
    """Return one row per raw file: role, format, rows, columns, share of empty cells and size in KB."""
    rows = []
    customers, orders = customer_sources(), order_sources()
    for path in _raw_files(raw_dir):
        df = read_table(path)
        role = customers.get(path.name) or (str(orders[path.name].options.get("label")) + " order lines"
                                            if path.name in orders else path.stem.replace("_", " "))
        rows.append({"file": path.name, "holds": role, "format": path.suffix.lstrip("."), "rows": len(df),
                     "columns": df.shape[1], "empty_cells_pct": round(100 * float(df.isna().mean().mean()), 1),
                     "size_kb": round(path.stat().st_size / 1024)})
    return pd.DataFrame(rows)


def monthly_order_lines(raw_dir: Path) -> pd.DataFrame:
    """Return order lines per calendar month and channel (rows: month ``YYYY-MM``, columns: channel).

    Timestamps are read with the cleaning's own parser and the source's catalog date order; those that do not parse
    are left out of this view (the cleaning step counts and quarantines them).
    """
    from experiments.cleaning.standardise import parse_dates

    frames = []
    for name, entry in order_sources().items():
        path = raw_dir / name
        if not path.is_file():
            continue
        column = entry.columns["ordered_at_raw"]
        when = parse_dates(read_table(path, dtype=str)[column], order=str(entry.options.get("date_order", "auto")),
                           column=column).values
        frames.append(pd.DataFrame({"month": when.dt.strftime("%Y-%m"),
                                    "channel": str(entry.options.get("label"))}).dropna())
    if not frames:
        return pd.DataFrame()
    lines = pd.concat(frames, ignore_index=True)
    monthly = lines.groupby(["month", "channel"]).size().unstack("channel", fill_value=0).sort_index()
    every_month = pd.period_range(monthly.index.min(), monthly.index.max(), freq="M").strftime("%Y-%m")
    return monthly.reindex(every_month, fill_value=0).rename_axis("month")  # gaps show as zero, not as a slope


def count_by(raw_dir: Path, filename: str, columns: list[str]) -> pd.DataFrame:
    """Return row counts of ``filename`` grouped by ``columns`` (missing values shown as '(empty)')."""
    df = read_table(raw_dir / filename)
    return (df[columns].astype("string").fillna("(empty)").value_counts().rename("rows").reset_index()
            .sort_values(columns).reset_index(drop=True))


def customer_records_by_source(inventory: pd.DataFrame) -> pd.Series:
    """Return raw customer record counts indexed by the source system's name, largest first."""
    rows = inventory.set_index("file")["rows"]
    present = {label: int(rows[f]) for f, label in customer_sources().items() if f in rows.index}
    return pd.Series(present, name="rows").sort_values(ascending=False)


def headline_counts(inventory: pd.DataFrame) -> dict[str, int]:
    """Return the overview's metrics: raw customer records, order lines, feedback rows, ad units, sources."""
    rows = dict(zip(inventory["file"], inventory["rows"], strict=True))
    return {
        "n_sources": int(len(inventory)),
        "n_customer_records": int(sum(rows.get(f, 0) for f in customer_sources())),
        "n_order_lines": int(sum(rows.get(f, 0) for f in order_sources())),
        "n_feedback": int(rows.get("feedback.jsonl", 0)),
        "n_ad_units": int(rows.get("ad_events.csv", 0)),
        "raw_kb": int(inventory["size_kb"].sum()),
    }
