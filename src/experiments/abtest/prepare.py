"""Prepare the unit table for the A/B analysis: validate the roles, coerce the outcomes, order the variants.

The analysis is per *unit* (user): one row per unit after the trust checks. Outcome columns are either 0/1
(conversion-like: the rate is a proportion, compared with a two-proportion z-test) or numeric (the rate is a mean,
compared with Welch's t-test). Boolean-looking text ("True"/"False", "yes"/"no", "1"/"0") is coerced to 0/1, as in
the Kaggle ``marketing_AB`` file whose ``converted`` column holds ``True``/``False``.

Reference: Kohavi, Tang & Xu (2020), *Trustworthy Online Controlled Experiments*, ch. 3 (units of analysis).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from experiments.common.dates import parse_dates
from experiments.common.errors import DataInputError, example_rows
from experiments.data.tables import require_columns

TRUE_WORDS = {"true", "t", "yes", "y", "1", "1.0"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "0.0"}
#: The unit column ``analysis`` adds when ``unit_col`` is empty: each row is its own unit, numbered from 1.
ROW_UNIT = "_row_as_unit"


def is_binary(values: pd.Series) -> bool:
    """True when every non-missing value is 0/1, a bool, or boolean-looking text (``True``/``False``...)."""
    v = values.dropna()
    if v.empty:
        return False
    if pd.api.types.is_bool_dtype(v):
        return True
    if pd.api.types.is_numeric_dtype(v):
        return bool(np.isin(v.to_numpy(dtype=float), (0.0, 1.0)).all())
    words = v.astype(str).str.strip().str.lower()
    return bool(words.isin(TRUE_WORDS | FALSE_WORDS).all())


def to_binary(values: pd.Series, name: str, source: str = "input") -> pd.Series:
    """Return ``values`` as int 0/1; raise ``DataInputError`` naming the column and rows that are not 0/1."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype(int)
    if pd.api.types.is_numeric_dtype(values):
        bad = ~values.isin([0, 1])
        if bad.any():
            raise DataInputError(f"{source}: column {name!r} is not 0/1: {int(bad.sum())} values "
                                 f"({example_rows(bad)}) such as {values[bad].iloc[0]!r}")
        return values.astype(int)
    words = values.astype(str).str.strip().str.lower()
    out = pd.Series(np.where(words.isin(TRUE_WORDS), 1, 0), index=values.index)
    bad = ~words.isin(TRUE_WORDS | FALSE_WORDS) | values.isna()
    if bad.any():
        raise DataInputError(f"{source}: column {name!r} has {int(bad.sum())} values that are not 0/1 or "
                             f"True/False ({example_rows(bad)}) such as {values[bad].iloc[0]!r}")
    return out


def to_numeric(values: pd.Series, name: str, source: str = "input") -> pd.Series:
    """Return ``values`` as float; booleans become 0/1; raise naming the rows that are not numbers or missing."""
    if is_binary(values) and not pd.api.types.is_numeric_dtype(values):
        return to_binary(values, name, source).astype(float)
    num = pd.to_numeric(values, errors="coerce")
    bad = num.isna()
    if bad.any():
        raise DataInputError(f"{source}: column {name!r} has {int(bad.sum())} missing or non-numeric values "
                             f"({example_rows(bad)}); expected a number per unit")
    num = num.astype(float)
    infinite = ~np.isfinite(num.to_numpy())
    if infinite.any():
        raise DataInputError(f"{source}: column {name!r} has {int(infinite.sum())} infinite values "
                             f"({example_rows(infinite)}); expected a finite number per unit (fix or drop those rows)")
    return num


def normalise_split(planned: Mapping[str, float] | Sequence[float] | None,
                    variants: Sequence[str]) -> dict[str, float] | None:
    """Return the planned split as ``{variant: share}`` summing to 1, or None when not given.

    A list is read in *sorted variant-label order* (``["ad", "psa"]`` for marketing_AB). Shares may be
    fractions or percentages (``{"ad": 96, "psa": 4}``). Raises ``DataInputError`` when the labels do not match
    the variants found in the data.
    """
    if planned is None or (hasattr(planned, "__len__") and len(planned) == 0):
        return None
    if isinstance(planned, str | bytes) or not isinstance(planned, Mapping | Sequence):
        raise DataInputError(f"planned_split: expected a dict of shares such as {{\"control\": 0.5, "
                             f"\"treatment\": 0.5}} or a list in sorted variant order, found {str(planned)[:80]!r}")
    order = sorted(map(str, variants))
    if isinstance(planned, Mapping):
        try:
            split = {str(k): float(v) for k, v in planned.items()}
        except (TypeError, ValueError):
            raise DataInputError(f"planned_split: every share must be a number, found {dict(planned)}") from None
    else:
        try:
            values = [float(v) for v in planned]
        except (TypeError, ValueError):
            raise DataInputError(f"planned_split: every share must be a number, found {list(planned)[:10]}") from None
        if len(values) != len(order):
            raise DataInputError(f"planned_split: {len(values)} shares given for {len(order)} variants {order} "
                                 "(a list is read in sorted variant order)")
        split = dict(zip(order, values, strict=True))
    unknown = sorted(set(split) - set(order))
    missing = sorted(set(order) - set(split))
    if unknown or missing:
        raise DataInputError(f"planned_split: labels {sorted(split)} do not match the variants found {order}"
                             + (f"; unknown {unknown}" if unknown else "")
                             + (f"; missing {missing}" if missing else ""))
    if any(v < 0 for v in split.values()) or sum(split.values()) <= 0:
        raise DataInputError(f"planned_split: shares must be non-negative and sum to more than 0, found {split}")
    total = sum(split.values())
    return {k: split[k] / total for k in order}


def prepare(df: pd.DataFrame, *, unit_col: str, variant_col: str, control_label: str, metric_cols: Sequence[str],
            pre_metric_col: str = "", time_col: str = "", date_order: str = "auto", date_format: str = "",
            segment_cols: Sequence[str] = (),
            consistency_col: str = "", source: str = "input") -> pd.DataFrame:
    """Validate the table and return a copy (all columns kept) with the outcomes coerced to numbers.

    Checks, each raising ``DataInputError`` with the column or rows at fault: the table is not empty, every named
    column exists, at least two variants, ``control_label`` is one of them, outcomes are 0/1 or numeric. The
    variant column becomes text (stripped). A 0/1 outcome is stored as int, a numeric one as float.
    """
    if df is None or len(df) == 0:
        raise DataInputError(f"{source}: no rows to analyse (empty input)")
    if not metric_cols:
        raise DataInputError(f"{source}: no outcome column given (parameter metric_cols is empty)")
    wanted = [unit_col, variant_col, *metric_cols]
    for col in (pre_metric_col, time_col, consistency_col, *segment_cols):
        if col:
            wanted.append(col)
    wanted = list(dict.fromkeys(wanted))
    require_columns(df, wanted, source)
    out = df.copy().reset_index(drop=True)
    blank_unit = out[unit_col].isna() | out[unit_col].astype(str).str.strip().eq("")
    if blank_unit.any():
        raise DataInputError(f"{source}: column {unit_col!r} has {int(blank_unit.sum())} empty unit ids "
                             f"({example_rows(blank_unit)}); every row needs its unit's id (they are never merged "
                             "into one unit)")
    missing_variant = out[variant_col].isna()
    if missing_variant.any():
        raise DataInputError(f"{source}: column {variant_col!r} has {int(missing_variant.sum())} empty values "
                             f"({example_rows(missing_variant)})")
    out[variant_col] = out[variant_col].astype(str).str.strip()
    variants = sorted(out[variant_col].unique())
    if len(variants) < 2:
        raise DataInputError(f"{source}: column {variant_col!r} has a single variant {variants}; an A/B test "
                             "needs a control and at least one treatment")
    if str(control_label) not in variants:
        raise DataInputError(f"{source}: control_label {control_label!r} is not a value of column "
                             f"{variant_col!r}; found {variants}")
    for col in metric_cols:
        out[col] = to_binary(out[col], col, source) if is_binary(out[col]) else to_numeric(out[col], col, source)
    if pre_metric_col:
        out[pre_metric_col] = to_numeric(out[pre_metric_col], pre_metric_col, source)
    if time_col:
        # the lab's one date parser, read as date_order / date_format say
        when = parse_dates(out[time_col], order=date_order, fmt=date_format, column=time_col).values
        bad = when.isna()
        if bad.any():
            raise DataInputError(f"{source}: column {time_col!r} has {int(bad.sum())} values that are not dates "
                                 f"({example_rows(bad)}); set date_order or date_format (strftime, unix_s, unix_ms)")
        out[time_col] = when
    for col in segment_cols:
        out[col] = out[col].astype("string").fillna("(missing)")
    return out


def variant_order(df: pd.DataFrame, variant_col: str, control_label: str) -> list[str]:
    """Return the variants with the control first, then the others in sorted order."""
    others = sorted(v for v in df[variant_col].astype(str).unique() if v != str(control_label))
    return [str(control_label), *others]
