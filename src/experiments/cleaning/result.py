"""What the cleaning produced: the contract tables plus everything the quality report shows (``Result``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.cleaning.config import Config
from experiments.cleaning.entity_resolution import Resolution
from experiments.cleaning.order_lines import FLAT_SOURCE
from experiments.cleaning.orders import OrderCounts, guest_orders
from experiments.cleaning.quarantine import Quarantine
from experiments.cleaning.rules import RuleLog
from experiments.data import inputs, paths, processed


@dataclass
class Result:
    """Contract tables (``tables``) and the quality objects behind the report. ``lineage``, ``records``,
    ``imputed`` and ``resolution`` are None for a flat table (it has no person records to merge)."""

    config: Config
    tables: dict[str, pd.DataFrame]
    lineage: pd.DataFrame | None     # which record won each golden field
    records: pd.DataFrame | None     # standardised person records with customer_id
    raw: dict[str, pd.DataFrame]     # raw frames as read (for before/after)
    log: RuleLog
    quarantine: Quarantine
    order_counts: dict[str, OrderCounts]
    imputed: pd.DataFrame | None
    resolution: Resolution | None
    input: inputs.InputTable | None  # what was read (the flat table, or the company world's list of raw files)

    @property
    def has_people(self) -> bool:
        """True when the input had person records to standardise and merge (the company world)."""
        return self.resolution is not None and self.records is not None

    def metrics(self) -> dict[str, Any]:
        """The metrics.json keys: rows in/out/quarantined (totals and ``<key>_<source>``), customers, orders,
        cancellations, returns, duplicates, guests and completed revenue; de-duplication counts on the company world,
        ``n_zero_price`` on a flat table. The planted-truth scores come from ``evaluation``."""
        return self._company_metrics() if self.has_people else self._flat_metrics()

    def _flat_metrics(self) -> dict[str, Any]:
        orders, counts = self.tables["orders"], self.order_counts[FLAT_SOURCE]
        return {
            "rows_in": counts.rows_in,
            "rows_out": len(orders),
            "rows_quarantined": counts.rows_in - len(orders),
            f"rows_in_{FLAT_SOURCE}": counts.rows_in,
            f"rows_out_{FLAT_SOURCE}": len(orders),
            f"rows_quarantined_{FLAT_SOURCE}": counts.rows_in - len(orders),
            "n_customers": len(self.tables["customers"]),
            "n_orders": int(orders["order_id"].nunique()),
            "n_cancellations": counts.n_cancellations,
            "n_returns": counts.n_returns,
            "n_duplicate_rows": counts.n_duplicate_rows,
            "n_missing_customer_id": counts.n_missing_customer_id,
            "n_guest_orders": guest_orders(orders),
            "n_zero_price": self.log.count("zero_price"),
            "revenue_completed": round(float(orders.loc[orders["status"] == "completed", "amount"].sum()), 2),
        }

    def _company_metrics(self) -> dict[str, Any]:
        rec = self.quarantine.reconciliation()
        m: dict[str, Any] = {"rows_in": int(rec["rows_in"].sum()), "rows_out": int(rec["rows_out"].sum()),
                             "rows_quarantined": int(rec["rows_quarantined"].sum())}
        for row in rec.itertuples():
            m[f"rows_in_{row.source}"] = int(row.rows_in)
            m[f"rows_out_{row.source}"] = int(row.rows_out)
            m[f"rows_quarantined_{row.source}"] = int(row.rows_quarantined)
        orders = self.tables["orders"]
        c = self.order_counts.values()
        m.update({
            "n_customer_records": len(self.records),
            "n_customers": len(self.tables["customers"]),
            "n_duplicate_records_merged": len(self.records) - len(self.tables["customers"]),
            "n_orders": int(orders[["channel", "order_id"]].drop_duplicates().shape[0]),
            "n_order_lines": len(orders),
            "n_cancellations": sum(x.n_cancellations for x in c),
            "n_returns": sum(x.n_returns for x in c),
            "n_duplicate_rows": sum(x.n_duplicate_rows for x in c),
            "n_missing_customer_id": sum(x.n_missing_customer_id for x in c),
            "n_guest_orders": guest_orders(orders),
            "n_city_imputed": int(self.imputed.loc[self.imputed["method"] != "not_filled", "n_filled"].sum()),
            "revenue_completed": round(float(orders.loc[orders["status"] == "completed", "amount"].sum()), 2),
            "er_method": self.resolution.method,
        })
        return m

    @property
    def folder(self) -> Path:
        """Where ``publish`` writes: ``processed_dir`` when given; else ``data/processed`` for the company world and
        ``data/interim/flat/processed`` for a flat table (cleaning your own file never replaces the company world's
        tables; the reports folder never receives processed or quarantined rows)."""
        if self.config.processed_dir:
            return paths.resolve(self.config.processed_dir)
        return processed.results_folder(company_world=not self.config.is_flat)

    def publish(self) -> Path:
        """Publish the contract tables, the lineage and ``quarantine/<source>.csv`` as one new version of ``folder``.

        The whole set replaces the previous one atomically (``experiments.data.processed.publish``), so tables derived
        from the old customer ids (segments, scores) are not carried over. Returns the new version's folder.
        """
        tables = dict(self.tables)
        if self.lineage is not None:
            tables["lineage"] = self.lineage
        files: dict[str, bytes] = {}
        for source in self.quarantine.frames:
            files[f"quarantine/{source}.csv"] = self.quarantine.csv_bytes(source)
        return processed.publish(tables, files=files, replace_all=True, processed=self.folder)


def write_outputs(tables: dict[str, pd.DataFrame], folder: str | Path, lineage: pd.DataFrame | None = None,
                  quarantine: Quarantine | None = None) -> list[Path]:
    """Write ``<folder>/<table>.parquet`` (+ lineage.parquet, quarantine/<source>.csv) without versions: how tests
    lay out a processed folder. Returns the paths written (the notebook publishes with ``Result.publish``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        path = folder / f"{name}.parquet"
        df.to_parquet(path, index=False)
        written.append(path)
    if lineage is not None:
        lineage.to_parquet(folder / "lineage.parquet", index=False)
        written.append(folder / "lineage.parquet")
    if quarantine is not None:
        written += quarantine.write(folder / "quarantine")
    return written
