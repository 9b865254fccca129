"""A flat churn table (one row per customer: an id, a label and feature columns) made ready for modelling.

Nothing is cast silently: ``prepare_flat`` returns the features, the 0/1 label and a ``notes`` list saying what was
done to which column (blank numbers kept as missing, id-like text columns left out), and raises ``DataInputError``
naming the file, column and rows for values it cannot read (a missing label, a text value in a numeric column).

Column types: a column in ``categorical_cols`` is categorical; otherwise numbers and booleans are numeric, and a
text column is numeric when every non-blank value parses as a number (blank strings become missing and are
counted; when 95% or more parse, the others are an error naming the rows), categorical when no more than
``max_levels`` distinct values, and left out (id-like free text) otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.common.errors import DataInputError, example_rows
from experiments.common.ids import id_text

MAX_LEVELS = 50
"""Most distinct values an inferred categorical text column may have (more looks like an id or free text)."""
MOSTLY_NUMERIC = 0.95
"""A text column whose values are numbers in at least this share is numeric: the rest are errors, not categories."""


@dataclass
class FlatTable:
    """Model-ready flat table: ``X`` (index customer_id), ``y`` (0/1), ``categorical`` columns and what was done."""

    X: pd.DataFrame
    y: pd.Series
    categorical: list[str]
    notes: list[str] = field(default_factory=list)
    blank_counts: dict[str, int] = field(default_factory=dict)


def parse_label(values: pd.Series, positive_label: str, source: str, column: str) -> pd.Series:
    """Return 1 where ``values`` equals ``positive_label`` and 0 elsewhere (index kept).

    Numbers compare numerically (``"1"`` matches 1 and 1.0); text compares after trimming spaces (ignoring case
    when the exact spelling never occurs). Raises
    ``DataInputError`` for missing labels, for a positive label that never occurs, and for more than two values.
    """
    text = values.astype("string").str.strip()
    missing = values.isna() | text.eq("").fillna(True)
    if missing.any():
        raise DataInputError(f"{source}: label column {column!r} is empty in {int(missing.sum())} row(s) "
                             f"({example_rows(missing)}); fill or remove them")
    levels = sorted(text.unique().tolist())
    if len(levels) > 2:
        raise DataInputError(f"{source}: label column {column!r} has {len(levels)} distinct values "
                             f"({', '.join(map(repr, levels[:8]))}); expected two (churned or not)")
    numeric = pd.to_numeric(values, errors="coerce")
    try:
        pos_num = float(positive_label)
    except ValueError:
        pos_num = None
    if pos_num is not None and numeric.notna().all():
        y = numeric.eq(pos_num)
    else:
        y = text.eq(str(positive_label).strip())
        if not y.any():  # "yes" for "Yes": the same label written in another case
            y = text.str.lower().eq(str(positive_label).strip().lower())
    if not y.any():
        raise DataInputError(f"{source}: positive_label {positive_label!r} does not occur in label column "
                             f"{column!r}; its values are {', '.join(map(repr, levels))}")
    if y.all():
        raise DataInputError(f"{source}: every row of {column!r} is {positive_label!r}; a model needs both classes")
    return y.astype("int64")


def _numeric_or_none(s: pd.Series) -> tuple[pd.Series | None, pd.Series]:
    """Return (numbers, blank mask) when every non-blank value parses, else (None, bad mask)."""
    text = s.astype("string").str.strip()
    blank = s.isna() | text.eq("").fillna(True)
    num = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = num.isna() & ~blank
    return (num.astype("float64"), blank) if not bad.any() else (None, bad)


def prepare_flat(frame: pd.DataFrame, *, id_col: str, label_col: str, positive_label: str,
                 drop_cols: Sequence[str] = (), categorical_cols: Sequence[str] = (), source: str = "input",
                 max_levels: int = MAX_LEVELS) -> FlatTable:
    """Return the ``FlatTable`` of ``frame`` (see the module docstring for the typing rules)."""
    for col in [id_col, label_col, *drop_cols, *categorical_cols]:
        if col not in frame.columns:
            raise DataInputError(f"{source}: column {col!r} (from the parameters) is not in the file; it has "
                                 f"{', '.join(map(repr, map(str, frame.columns[:30])))}")
    ids = id_text(frame[id_col])
    dup = ids.duplicated(keep=False) | ids.isna()
    if dup.any():
        raise DataInputError(f"{source}: id column {id_col!r} is empty or repeated in {int(dup.sum())} row(s) "
                             f"({example_rows(dup)}); a churn table has one row per customer")
    y = parse_label(frame[label_col], positive_label, source, label_col)
    X = pd.DataFrame(index=pd.Index(ids.to_numpy(dtype=object), name="customer_id"))
    notes: list[str] = []
    blanks: dict[str, int] = {}
    categorical: list[str] = []
    skip = {id_col, label_col, *drop_cols}
    for col in [c for c in frame.columns if c not in skip]:
        s = frame[col]
        if col in categorical_cols:
            X[col] = _as_category(s)
            categorical.append(col)
            continue
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            X[col] = s.astype("float64").to_numpy()
            continue
        num, mask = _numeric_or_none(s)
        if num is not None:
            X[col] = num.to_numpy()
            if mask.any():
                blanks[col] = int(mask.sum())
                notes.append(f"{col}: {int(mask.sum())} blank value(s) ({example_rows(mask)}) kept as missing, "
                             "not dropped")
            continue
        if (~mask).mean() >= MOSTLY_NUMERIC:
            raise DataInputError(
                f"{source}: column {col!r} is numeric except {int(mask.sum())} value(s) that are not numbers "
                f"({example_rows(mask)}: {', '.join(map(repr, s[mask].astype(str).head(3)))}); fix them, list the "
                "column in drop_cols, or in categorical_cols to treat it as text")
        levels = s.astype("string").str.strip().nunique(dropna=True)
        if levels <= max_levels:
            X[col] = _as_category(s)
            categorical.append(col)
        else:
            notes.append(f"{col}: left out, {levels:,} distinct text values look like an id or free text "
                         "(name it in categorical_cols to keep it)")
    if X.shape[1] == 0:
        raise DataInputError(f"{source}: no feature columns left after id, label and drop_cols")
    _check_finite(X, frame.index, source)
    y.index = X.index
    return FlatTable(X=X, y=y, categorical=categorical, notes=notes, blank_counts=blanks)


def _check_finite(X: pd.DataFrame, rows: pd.Index, source: str) -> None:
    """Stop with a ``DataInputError`` naming the first numeric column holding ``inf`` or ``-inf`` (and its rows):
    no model can use an infinite value, and turning it into a big number or a blank would be a guess."""
    for col in X.columns:
        if isinstance(X[col].dtype, pd.CategoricalDtype):
            continue
        inf = pd.Series(np.isinf(X[col].to_numpy(dtype="float64")), index=rows)
        if inf.any():
            raise DataInputError(f"{source}: column {col!r} has {int(inf.sum())} infinite value(s) "
                                 f"({example_rows(inf)}); replace them with real numbers or blanks, or list the "
                                 "column in drop_cols")


def _as_category(s: pd.Series) -> pd.Categorical:
    text = s.astype("string").str.strip().replace("", pd.NA)
    return pd.Categorical(text.to_numpy(dtype=object, na_value=None))
