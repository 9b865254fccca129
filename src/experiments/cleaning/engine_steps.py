"""01's set-shaped data steps written once in SQL and run on the data engine (``experiments.data.engine``).

- ``duplicate_rows``: which rows repeat an earlier row in every given column (exact duplicates on every column of
  the raw file; the ``(order_id, line_no)`` key): ``row_number()`` over a partition by those columns, in row order;
- ``customer_ids_of``: the ``customer_id`` of each raw customer reference (orders, feedback, contacts cite the raw
  record id; entity resolution numbered the customers): a left join, in row order.

What stays in pandas, and why: the standardising rules (ids, dates in many formats and orders, names, phones,
numbers written as text) are Python functions applied value by value, with a quarantine reason per row; as SQL they
would be a second copy of each rule in two dialects. Entity resolution keeps splink's own DuckDB (or Spark) backend.

Values reach the engine as they were read: text columns as text; an object column holding other Python values (a
JSON source's numbers beside text) goes as pandas' factorized codes, so "equal" means what pandas' ``duplicated``
means (1 and 1.0 equal, 1 and "1" not). Row positions travel as ``__row``, so both engines return the pandas order.
Tests: tests/unit/test_engine_cleaning.py (DuckDB and Spark local against the pandas steps on the tiny world).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.data.engine import Engine

ROW = "__row"


def _keyable(values: pd.Series) -> pd.Series:
    """``values`` in a type both engines compare as pandas does (see the module docstring)."""
    if values.dtype == object:
        present = values.dropna()
        if not present.map(type).eq(str).all():
            codes, _ = pd.factorize(values, use_na_sentinel=True)
            return pd.Series(codes, index=values.index, dtype="int64")
        return values.astype("string")
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.astype("string")
    return values


def duplicate_rows(engine: Engine, frame: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.Series:
    """Boolean mask on ``frame``'s index: the row equals an earlier row in every one of ``columns`` (default all),
    as ``frame.duplicated(columns, keep="first")``; missing values equal each other."""
    cols = list(frame.columns) if columns is None else list(columns)
    if frame.empty:
        return pd.Series(False, index=frame.index, dtype=bool)
    # columns stay pandas series (Arrow-backed text stays Arrow: DuckDB scans it without a copy to Python objects,
    # 2.5x less CPU on the large world's shop orders than object arrays)
    table = pd.DataFrame({f"c{i}": _keyable(frame[c]).reset_index(drop=True) for i, c in enumerate(cols)})
    table[ROW] = np.arange(len(frame), dtype="int64")
    keys = ", ".join(f"c{i}" for i in range(len(cols)))
    rows = engine.query(f"SELECT {ROW} FROM (SELECT {ROW}, row_number() OVER (PARTITION BY {keys} ORDER BY {ROW}) "
                        f"AS k FROM raw_rows) AS t WHERE k > 1", {"raw_rows": table})
    mask = np.zeros(len(frame), dtype=bool)
    mask[rows[ROW].to_numpy(dtype="int64")] = True
    return pd.Series(mask, index=frame.index)


def customer_ids_of(engine: Engine, refs: pd.Series, ref_to_customer: pd.Series) -> pd.Series:
    """``refs.map(ref_to_customer)`` as a string series (missing and unknown refs: <NA>), joined on the engine.

    ``ref_to_customer`` maps raw record ids (index, unique) to customer ids."""
    left = pd.DataFrame({"ref": refs.astype("string").reset_index(drop=True)})
    left[ROW] = np.arange(len(refs), dtype="int64")
    right = pd.DataFrame({"ref": pd.Series(ref_to_customer.index, dtype="string"),
                          "customer_id": ref_to_customer.astype("string").reset_index(drop=True)})
    if right["ref"].duplicated().any():
        raise ValueError("customer_ids_of: a raw record id maps to more than one customer")
    out = engine.query(f"SELECT l.{ROW}, r.customer_id FROM refs AS l LEFT JOIN customers AS r ON l.ref = r.ref "
                       f"ORDER BY l.{ROW}", {"refs": left, "customers": right})
    return pd.Series(out["customer_id"].to_numpy(), index=refs.index, dtype="string")
