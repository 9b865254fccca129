"""Identifiers read from a user's table as text: one rule for every notebook.

A numeric id column with a missing value is read as floats (pandas has no missing integer in a CSV or Excel read), so
``str()`` would turn customer 12347 into "12347.0", and a published table keyed that way joins to nothing in the
user's own systems. ``id_text`` gives "12347" for every float that is a whole number, and the stripped text
otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def id_text(values: pd.Series) -> pd.Series:
    """``values`` as stripped text (pandas ``string``, missing stays missing); a float column whose present values
    are all whole numbers is written without the ".0" pandas' float reading added."""
    s = pd.Series(values)
    if pd.api.types.is_float_dtype(s.dtype):
        present = s.dropna()
        if len(present) and np.isfinite(present).all() and (present == np.floor(present)).all():
            return s.astype("Int64").astype("string")
    return s.astype("string").str.strip()


__all__ = ["id_text"]
