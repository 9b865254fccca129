"""Quarantine: raw rows that cannot be repaired, kept per source with a reason, and the row reconciliation.

Every raw row ends in exactly one place: the clean output of its source or ``quarantine/<source>.csv``. The
reconciliation table checks ``rows_in == rows_out + rows_quarantined`` per source and says so when it does not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from experiments.common.files import spreadsheet_safe, write_csv


@dataclass
class Quarantine:
    """Collects quarantined rows per source and the row counts in and out of each source."""

    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    rows_in: dict[str, int] = field(default_factory=dict)
    rows_out: dict[str, int] = field(default_factory=dict)

    def add(self, source: str, rows: pd.DataFrame, reason: str | None = None) -> None:
        """Quarantine ``rows`` of ``source``; ``reason`` is used when the frame has no ``reason`` column."""
        if rows is None or rows.empty:
            return
        if "reason" not in rows.columns:
            if not reason:
                raise ValueError(f"{source}: quarantined rows need a reason")
            rows = rows.assign(reason=reason)
        self.frames.setdefault(source, []).append(rows)

    def set_in(self, source: str, n: int) -> None:
        """Record how many raw rows ``source`` had."""
        self.rows_in[source] = int(n)

    def set_out(self, source: str, n: int) -> None:
        """Record how many rows of ``source`` reached the clean output."""
        self.rows_out[source] = int(n)

    def rows(self, source: str) -> pd.DataFrame:
        """All quarantined rows of ``source`` (empty frame when none)."""
        parts = self.frames.get(source, [])
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"reason": pd.Series(dtype="string")})

    def reasons(self) -> pd.DataFrame:
        """Counts per (source, reason)."""
        parts = [pd.DataFrame({"source": s, "reason": self.rows(s)["reason"]}) for s in self.frames]
        if not parts:
            return pd.DataFrame(columns=["source", "reason", "n_rows"])
        return (pd.concat(parts).groupby(["source", "reason"]).size().rename("n_rows").reset_index()
                .sort_values(["source", "n_rows"], ascending=[True, False], ignore_index=True))

    def reconciliation(self) -> pd.DataFrame:
        """Per source: rows_in, rows_out, rows_quarantined and ``balanced`` (in == out + quarantined)."""
        sources = sorted(set(self.rows_in) | set(self.rows_out) | set(self.frames))
        t = pd.DataFrame({
            "source": sources,
            "rows_in": [self.rows_in.get(s, 0) for s in sources],
            "rows_out": [self.rows_out.get(s, 0) for s in sources],
            "rows_quarantined": [len(self.rows(s)) if s in self.frames else 0 for s in sources],
        })
        t["balanced"] = t["rows_in"] == t["rows_out"] + t["rows_quarantined"]
        return t

    def assert_balanced(self) -> None:
        """Raise ``AssertionError`` naming each source whose rows do not add up."""
        t = self.reconciliation()
        bad = t[~t["balanced"]]
        if not bad.empty:
            lines = [f"{r.source}: in {r.rows_in} != out {r.rows_out} + quarantined {r.rows_quarantined}"
                     for r in bad.itertuples()]
            raise AssertionError("row reconciliation failed: " + "; ".join(lines))

    def csv_bytes(self, source: str) -> bytes:
        """The quarantine CSV of ``source`` as UTF-8 bytes, spreadsheet-safe (``common.files.spreadsheet_safe``: a
        cell such as ``=HYPERLINK(...)`` is written as ``'=HYPERLINK(...)``), as ``write`` and ``Result.publish``
        store it."""
        return spreadsheet_safe(self.rows(source)).to_csv(index=False).encode("utf-8")

    def write(self, folder: Path) -> list[Path]:
        """Write ``<folder>/<source>.csv`` (UTF-8, through ``common.files.write_csv``) for every source with
        quarantined rows; return the paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.csv"):
            old.unlink()
        written = []
        for source in self.frames:
            path = folder / f"{source}.csv"
            write_csv(self.rows(source), path, encoding="utf-8")
            written.append(path)
        return written
