"""Charts of the overview report: titled with the finding, axes labelled (``lab.chart_style``)."""

from __future__ import annotations

from matplotlib.figure import Figure

from experiments.lab import chart_style
from experiments.overview.result import Result


def customer_records(result: Result) -> Figure:
    """Raw customer records per source system."""
    return chart_style.bar_chart(result.records, f"{result.metrics()['n_customer_records']:,} raw customer records "
                                 f"arrive through {len(result.records)} systems",
                                 "raw customer records (one person may appear in several)", "")


def monthly_order_lines(result: Result) -> Figure:
    """Raw order lines per month and channel, the busiest month in the title."""
    busiest = result.monthly.sum(axis=1).idxmax() if len(result.monthly) else "n/a"
    return chart_style.line_chart(result.monthly, f"Order lines per month by channel (busiest month: {busiest})",
                                  "month", "order lines")


def feedback_channels(result: Result) -> Figure:
    """Raw feedback rows per channel."""
    return chart_style.bar_chart(result.feedback, f"Most feedback arrives via {result.feedback.index[0]}",
                                 "feedback rows", "")
