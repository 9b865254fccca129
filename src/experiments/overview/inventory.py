"""What the raw data holds, as delivered: an inventory of sources and a few volumes over time.

Used by ``00_data_overview``. It reads the raw files of the company world (see docs/raw_sources.md) without
cleaning them: counts here are of raw rows, before de-duplication and repairs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.data.tables import read_table

CUSTOMER_SOURCES = {"crm_customers.csv": "CRM export", "shop_customers.jsonl": "Online shop accounts",
                    "wechat_members.csv": "WeChat members", "pos_members.xlsx": "Store POS members"}
ORDER_SOURCES = {"shop_orders.csv": ("order_time", "%Y-%m-%d %H:%M:%S", "online shop"),
                 "pos_transactions.csv": ("txn_time", "%d/%m/%Y %H:%M", "stores (POS)")}


def _raw_files(raw_dir: Path) -> list[Path]:
    files = sorted(p for p in raw_dir.iterdir() if p.is_file() and not p.name.startswith((".", "_")))
    if not files:
        raise FileNotFoundError(f"{raw_dir}: no raw files; run `python -m experiments data generate` first")
    return files


def source_inventory(raw_dir: Path) -> pd.DataFrame:
    """Return one row per raw file: role, format, rows, columns, share of empty cells and size in KB."""
    rows = []
    for path in _raw_files(raw_dir):
        df = read_table(path)
        role = CUSTOMER_SOURCES.get(path.name) or (ORDER_SOURCES[path.name][2] + " order lines"
                                                   if path.name in ORDER_SOURCES else path.stem.replace("_", " "))
        rows.append({"file": path.name, "holds": role, "format": path.suffix.lstrip("."), "rows": len(df),
                     "columns": df.shape[1], "empty_cells_pct": round(100 * float(df.isna().mean().mean()), 1),
                     "size_kb": round(path.stat().st_size / 1024)})
    return pd.DataFrame(rows)


def monthly_order_lines(raw_dir: Path) -> pd.DataFrame:
    """Return order lines per calendar month and channel (rows: month ``YYYY-MM``, columns: channel).

    Timestamps that do not parse in the source's documented format are left out of this view (the cleaning step
    counts and repairs them).
    """
    frames = []
    for name, (column, fmt, channel) in ORDER_SOURCES.items():
        path = raw_dir / name
        if not path.is_file():
            continue
        when = pd.to_datetime(read_table(path)[column], format=fmt, errors="coerce")
        frames.append(pd.DataFrame({"month": when.dt.strftime("%Y-%m"), "channel": channel}).dropna())
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
    present = {label: int(rows[f]) for f, label in CUSTOMER_SOURCES.items() if f in rows.index}
    return pd.Series(present, name="rows").sort_values(ascending=False)


def headline_counts(inventory: pd.DataFrame) -> dict[str, int]:
    """Return the overview's metrics: raw customer records, order lines, feedback rows, ad units, sources."""
    rows = dict(zip(inventory["file"], inventory["rows"], strict=True))
    return {
        "n_sources": int(len(inventory)),
        "n_customer_records": int(sum(rows.get(f, 0) for f in CUSTOMER_SOURCES)),
        "n_order_lines": int(sum(rows.get(f, 0) for f in ORDER_SOURCES)),
        "n_feedback": int(rows.get("feedback.jsonl", 0)),
        "n_ad_units": int(rows.get("ad_events.csv", 0)),
        "raw_kb": int(inventory["size_kb"].sum()),
    }
