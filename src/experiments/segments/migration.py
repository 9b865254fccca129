"""Movement of customers between segments from one scheduled run to the next.

The previous run's table is ``segments.parquet`` of the processed folder when it is still there, else the newest
snapshot in the segments history folder (01 republishes the whole processed set, which drops derived tables, so each
run of 02 also keeps a dated copy there). Runs on another source (a different input file) are not compared.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.data.engine import embedded
from experiments.segments.engine_steps import alert_hits, migration_pairs

# Moves that need action: a valuable customer slipping (from, to).
ALERT_MOVES = (("Champions", "At risk"), ("Champions", "Cannot lose them"), ("Loyal", "At risk"),
               ("Champions", "Hibernating"), ("Loyal", "Cannot lose them"), ("Champions", "Lost"), ("Loyal", "Lost"))
HISTORY_KEEP = 12


def current_table(company_world: bool) -> Path:
    """The published ``segments.parquet`` of the folder this run publishes into (data/processed for the company
    world, data/interim/flat/processed for a flat table)."""
    from experiments.data import processed

    return processed.current_dir(processed.results_folder(company_world)) / "segments.parquet"


def history_dir() -> Path:
    """The folder of dated copies of earlier runs' segments (data/interim/segments_history)."""
    from experiments.data import paths

    return paths.interim_dir() / "segments_history"


def previous_segments(current: Path | None, history: Path, source: str) -> pd.DataFrame | None:
    """Return the previous run's segments of the same ``source``, or None when there is none."""
    candidates = []
    if current is not None and current.is_file():
        candidates.append(current)
    if history.is_dir():
        candidates.extend(sorted(history.glob("segments_*.parquet"), reverse=True))
    for path in candidates:
        prev = pd.read_parquet(path)
        if "source" in prev.columns and len(prev) and str(prev["source"].iat[0]) == source:
            return prev
    return None


def migration_matrix(previous: pd.DataFrame, current: pd.DataFrame, column: str = "rfm_segment",
                     order: tuple[str, ...] | None = None, engine=None) -> pd.DataFrame:  # noqa: ANN001
    """Customers per (previous segment, current segment) for customers present in both runs, in ``order`` (else
    sorted); customers without a segment in either run are left out. Counted on ``engine``
    (``engine_steps.migration_pairs``; ``data.engine.embedded()`` when None)."""
    pairs, _ = migration_pairs(previous, current, column, engine or embedded())
    pairs = pairs.dropna(subset=["s_before", "s_now"])
    m = pairs.pivot_table(index="s_before", columns="s_now", values="n", aggfunc="sum", fill_value=0)
    m = m.sort_index().sort_index(axis=1).astype("int64")
    if order is not None:
        m = m.reindex(index=list(order), columns=list(order), fill_value=0)
    m.index.name, m.columns.name = "before", "now"
    return m


def migration_summary(previous: pd.DataFrame, current: pd.DataFrame, column: str = "rfm_segment",
                      engine=None) -> dict:  # noqa: ANN001 - data.engine.Engine
    """Counts for the report: customers in both runs, moved (a customer without a segment in either run counts as
    moved), new, gone, and each alert move's count (on ``engine``, as ``migration_matrix``)."""
    pairs, counts = migration_pairs(previous, current, column, engine or embedded())
    before, now = pairs["s_before"], pairs["s_now"]
    same = before.notna() & now.notna() & (before == now)
    alerts = {f"{a} -> {b}": int(pairs.loc[(before == a) & (now == b), "n"].sum()) for a, b in ALERT_MOVES}
    return {"in_both": int(pairs["n"].sum()), "moved": int(pairs.loc[~same, "n"].sum()),
            "new": counts["new"], "gone": counts["gone"], "alerts": alerts}


def alert_customers(previous: pd.DataFrame, current: pd.DataFrame, column: str = "rfm_segment",
                    engine=None) -> pd.DataFrame:  # noqa: ANN001 - data.engine.Engine
    """The customers who made an alert move, with their segment before and now and their CLV (highest first); the
    moves are found on ``engine`` (``engine_steps.alert_hits``)."""
    hits = alert_hits(previous, current, column, ALERT_MOVES, engine or embedded())
    prev = previous.iloc[hits["pos"].to_numpy(np.int64)][["customer_id", column]]
    both = prev.merge(current, on="customer_id", suffixes=("_before", ""))
    both.index = pd.Index(hits["row"].to_numpy(np.int64))  # the rows of the two runs' join, as the report shows
    cols = ["customer_id", f"{column}_before", column] + (["clv"] if "clv" in both.columns else [])
    out = both[cols]
    return out.sort_values("clv", ascending=False) if "clv" in out.columns else out


def keep_history(table: pd.DataFrame, history: Path, stamp: str, keep: int = HISTORY_KEEP) -> Path:
    """Write ``table`` as ``history/segments_<stamp>.parquet`` (atomically) and keep the newest ``keep`` copies."""
    history.mkdir(parents=True, exist_ok=True)
    path = history / f"segments_{stamp}.parquet"
    tmp = path.with_suffix(".parquet.tmp")
    table.to_parquet(tmp, index=False)
    tmp.replace(path)
    for old in sorted(history.glob("segments_*.parquet"), reverse=True)[keep:]:
        old.unlink(missing_ok=True)
    return path
