"""Tables of the overview report; data-derived text and tables go through ``lab.report.safe``."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from experiments.lab.report import safe
from experiments.overview.result import Result


def inventory(result: Result) -> pd.DataFrame:
    """One row per raw file (role, format, rows, columns, empty cells, size), indexed by file."""
    return safe.frame(result.inventory.set_index("file"))


def ad_units(result: Result) -> pd.DataFrame:
    """Raw ad-experiment rows per experiment and variant."""
    return safe.frame(result.ad_units.set_index(["experiment_id", "variant"]))


def answer(result: Result) -> Markdown:
    """What the raw sources hold, in one paragraph with the counts (the report's first screen)."""
    m = result.metrics()
    return Markdown(f"**{m['n_sources']} raw files** ({m['raw_kb']:,} KB) hold {m['n_customer_records']:,} customer "
                    f"records from four systems (the same person several times), {m['n_order_lines']:,} order lines, "
                    f"{m['n_feedback']:,} feedback messages and {m['n_ad_units']:,} ad-experiment units. The data is "
                    "multi-channel and messy by design: `01_data_cleaning` turns it into one customer-360 view, and "
                    "its reconciliation must account for every row counted here.")
