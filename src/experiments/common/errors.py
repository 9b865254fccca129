"""The lab's error types and the one way to name rows in a message (a leaf: imports nothing of the lab)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


class ParameterError(ValueError):
    """A parameter that the notebook does not declare, of the wrong type, or outside its allowed range."""


class DataInputError(ValueError):
    """Bad input: the message names the file, the column and example rows at fault."""


def example_rows(mask: pd.Series | Sequence[bool], limit: int = 5) -> str:
    """Return 'rows 12, 88, 301, ...' for the first ``limit`` true positions (1-based data rows, header excluded)."""
    series = pd.Series(mask).reset_index(drop=True)
    idx = [int(i) + 1 for i in series[series.astype(bool)].index[:limit]]
    more = ", ..." if int(series.astype(bool).sum()) > limit else ""
    return ("row " if len(idx) == 1 else "rows ") + ", ".join(map(str, idx)) + more
