"""The template analysis end to end: rows per customer."""

from __future__ import annotations

import pandas as pd

from experiments.example.config import Config
from experiments.example.result import Result
from experiments.example.sources import Data, load


def rows_per_customer(frame: pd.DataFrame, customer_col: str) -> pd.Series:
    """Rows per customer id, most first (rows without a customer are not counted)."""
    return frame[customer_col].dropna().astype(str).value_counts().rename("rows")


def run(config: Config, data: Data | None = None) -> Result:
    """Run the analysis on ``data`` (read with ``load(config)`` when not given) and return its ``Result``."""
    data = data or load(config)
    frame = data.table.frame
    counts = rows_per_customer(frame, data.table.columns["customer"])
    return Result(config=config, input=data.table, counts=counts, n_rows=len(frame))
