"""What the raw data holds, as delivered: ``run(config, data=None) -> Result``, an inventory of sources and a few
volumes over time. Counts here are of raw rows, before de-duplication and repairs (``01_data_cleaning`` does those).
"""

from __future__ import annotations

import pandas as pd

from experiments.common.dates import parse_dates
from experiments.overview.config import Config
from experiments.overview.result import Result
from experiments.overview.sources import AD_FILE, FEEDBACK_FILE, Data, customer_sources, load, order_sources


def run(config: Config, data: Data | None = None) -> Result:
    """Describe the raw files of ``data`` (read with ``load(config)`` when not given)."""
    data = data or load(config)
    inventory = source_inventory(data)
    return Result(config=config, input=data.input, inventory=inventory,
                  records=customer_records_by_source(inventory), monthly=monthly_order_lines(data),
                  feedback=count_by(data, FEEDBACK_FILE, ["channel"]).set_index("channel")["rows"]
                  .sort_values(ascending=False),
                  ad_units=count_by(data, AD_FILE, ["experiment_id", "variant"]))


def source_inventory(data: Data) -> pd.DataFrame:
    """Return one row per raw file: role, format, rows, columns, share of empty cells and size in KB."""
    rows = []
    customers, orders = customer_sources(), order_sources()
    for name, df in data.frames.items():
        path = data.raw_dir / name
        role = customers.get(name) or (str(orders[name].options.get("label")) + " order lines"
                                       if name in orders else path.stem.replace("_", " "))
        rows.append({"file": name, "holds": role, "format": path.suffix.lstrip("."), "rows": len(df),
                     "columns": df.shape[1], "empty_cells_pct": round(100 * float(df.isna().mean().mean()), 1),
                     "size_kb": round(path.stat().st_size / 1024)})
    return pd.DataFrame(rows)


def monthly_order_lines(data: Data) -> pd.DataFrame:
    """Return order lines per calendar month and channel (rows: month ``YYYY-MM``, columns: channel).

    Timestamps are read with the lab's one date parser and the source's catalog date order; those that do not parse
    are left out of this view (the cleaning step counts and quarantines them).
    """
    frames = []
    for name, entry in order_sources().items():
        if name not in data.order_text:
            continue
        column = entry.columns["ordered_at_raw"]
        when = parse_dates(data.order_text[name][column], order=str(entry.options.get("date_order", "auto")),
                           column=column).values
        frames.append(pd.DataFrame({"month": when.dt.strftime("%Y-%m"),
                                    "channel": str(entry.options.get("label"))}).dropna())
    if not frames:
        return pd.DataFrame()
    lines = pd.concat(frames, ignore_index=True)
    monthly = lines.groupby(["month", "channel"]).size().unstack("channel", fill_value=0).sort_index()
    every_month = pd.period_range(monthly.index.min(), monthly.index.max(), freq="M").strftime("%Y-%m")
    return monthly.reindex(every_month, fill_value=0).rename_axis("month")  # gaps show as zero, not as a slope


def count_by(data: Data, filename: str, columns: list[str]) -> pd.DataFrame:
    """Return row counts of ``filename`` grouped by ``columns`` (missing values shown as '(empty)')."""
    df = data.frames[filename]
    return (df[columns].astype("string").fillna("(empty)").value_counts().rename("rows").reset_index()
            .sort_values(columns).reset_index(drop=True))


def customer_records_by_source(inventory: pd.DataFrame) -> pd.Series:
    """Return raw customer record counts indexed by the source system's name, largest first."""
    rows = inventory.set_index("file")["rows"]
    present = {label: int(rows[f]) for f, label in customer_sources().items() if f in rows.index}
    return pd.Series(present, name="rows").sort_values(ascending=False)
