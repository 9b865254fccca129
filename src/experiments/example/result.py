"""What the template analysis found: the shared ``Result`` shape (tables, metrics, publish)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.data import inputs
from experiments.example.config import Config


@dataclass
class Result:
    """Rows per customer and the figures metrics.json keeps."""

    config: Config
    input: inputs.InputTable
    counts: pd.Series
    n_rows: int

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The customers with the most rows (the report's table)."""
        top = self.counts.head(self.config.top_n)
        return {"top_customers": pd.DataFrame({"customer": top.index, "rows": top.to_numpy()})}

    def metrics(self) -> dict[str, Any]:
        """``n_rows`` (rows read) and ``n_customers`` (distinct customers)."""
        return {"n_rows": int(self.n_rows), "n_customers": int(len(self.counts))}

    def publish(self) -> Path | None:
        """The template publishes no table (an analysis that does calls ``processed.publish_results``)."""
        return None
