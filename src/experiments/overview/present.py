"""Tables of the overview report; data-derived text and tables go through ``lab.report.safe``."""

from __future__ import annotations

import pandas as pd

from experiments.lab.report import safe
from experiments.overview.result import Result


def inventory(result: Result) -> pd.DataFrame:
    """One row per raw file (role, format, rows, columns, empty cells, size), indexed by file."""
    return safe.frame(result.inventory.set_index("file"))


def ad_units(result: Result) -> pd.DataFrame:
    """Raw ad-experiment rows per experiment and variant."""
    return safe.frame(result.ad_units.set_index(["experiment_id", "variant"]))
