"""What the overview found: the shared ``Result`` shape (tables, metrics, publish)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.data import inputs
from experiments.overview.config import Config
from experiments.overview.sources import AD_FILE, FEEDBACK_FILE, customer_sources, order_sources


@dataclass
class Result:
    """The inventory of raw files and the volumes the report shows."""

    config: Config
    input: inputs.InputTable
    inventory: pd.DataFrame     # one row per raw file
    records: pd.Series          # raw customer records per source system, largest first
    monthly: pd.DataFrame       # raw order lines per month (rows) and channel (columns)
    feedback: pd.Series         # raw feedback rows per channel, largest first
    ad_units: pd.DataFrame      # raw ad-experiment rows per experiment and variant

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The report's tables: the inventory, monthly order lines and ad units per experiment and variant."""
        return {"inventory": self.inventory, "monthly_order_lines": self.monthly, "ad_units": self.ad_units}

    def metrics(self) -> dict[str, Any]:
        """Raw customer records, order lines, feedback rows, ad units, sources and raw size (conf/runs.yaml)."""
        rows = dict(zip(self.inventory["file"], self.inventory["rows"], strict=True))
        return {
            "n_sources": int(len(self.inventory)),
            "n_customer_records": int(sum(rows.get(f, 0) for f in customer_sources())),
            "n_order_lines": int(sum(rows.get(f, 0) for f in order_sources())),
            "n_feedback": int(rows.get(FEEDBACK_FILE, 0)),
            "n_ad_units": int(rows.get(AD_FILE, 0)),
            "raw_kb": int(self.inventory["size_kb"].sum()),
        }

    def publish(self) -> Path | None:
        """The overview publishes no table."""
        return None
