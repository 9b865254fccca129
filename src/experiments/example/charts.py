"""Charts of the template report: titled with the finding, axes labelled."""

from __future__ import annotations

from matplotlib.figure import Figure

from experiments.example.result import Result
from experiments.lab import chart_style


def rows_histogram(result: Result) -> Figure:
    """How many customers have how many rows."""
    spread = result.counts.value_counts().sort_index()
    return chart_style.bar_chart(spread, f"Half the customers have {int(result.counts.median())} rows or fewer",
                                 "rows per customer", "customers", horizontal=False)
