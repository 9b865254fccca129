"""Text and tables of the template report; data-derived text always goes through ``lab.report.safe``."""

from __future__ import annotations

from IPython.display import Markdown

from experiments.example.result import Result
from experiments.lab.report import safe


def answer(result: Result) -> Markdown:
    """The answer in one sentence with its numbers."""
    top = result.counts.head(1)
    lead = safe.text(top.index[0]) if len(top) else "–"
    return Markdown(f"**{result.metrics()['n_customers']:,} customers** share {result.n_rows:,} rows; the busiest "
                    f"customer ({lead}) has {int(top.iloc[0]) if len(top) else 0:,}.")
