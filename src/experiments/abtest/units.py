"""Map an input table onto the A/B-test roles and load the company world's ``ad_events``.

The analysis is per *unit* (user): one row per unit after the trust checks. Outcome columns are either 0/1
(conversion-like: the rate is a proportion, compared with a two-proportion z-test) or numeric (the rate is a mean,
compared with Welch's t-test). Boolean-looking text ("True"/"False", "yes"/"no", "1"/"0") is coerced to 0/1, as in
the Kaggle ``marketing_AB`` file whose ``converted`` column holds ``True``/``False``.

Reference: Kohavi, Tang & Xu (2020), *Trustworthy Online Controlled Experiments*, ch. 3 (units of analysis).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.data import paths
from experiments.data.inputs import InputTable, load_input
from experiments.data.tables import DataInputError, example_rows, require_columns

TRUE_WORDS = {"true", "t", "yes", "y", "1", "1.0"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "0.0"}

#: The company world's experiment registry: every experiment was planned as an equal split of its variants.
COMPANY_PLANNED_SPLIT = {"control": 0.5, "treatment": 0.5}
#: Company-world outcomes per unit: conversions (count, the planted +10% lift, decides), converted (0/1), clicks
#: (count, CTR unchanged by design: a guardrail) and revenue (CNY).
COMPANY_METRICS = ["conversions", "converted", "clicks", "revenue"]


#: Longest variant slug in a metrics.json key (a 200,000-character label must not make a 200,000-character key).
SLUG_CHARS = 60


def slug(label: object) -> str:
    """Return ``label`` lower-cased with every run of non-alphanumeric characters turned into ``_``, at most
    ``SLUG_CHARS`` characters.

    ``"Mens E-Mail"`` -> ``"mens_e_mail"``; used for metrics.json keys of more-than-two-variant tests.
    """
    return re.sub(r"[^0-9a-z]+", "_", str(label).lower()).strip("_")[:SLUG_CHARS].strip("_") or "variant"


def display_label(value: object, max_chars: int = 60) -> str:
    """Return a data-derived label for report text: emails/phones masked and shortened to ``max_chars``.

    Not escaped: text built from it goes through ``lab.report.safe`` (``safe.text``/``safe.md``) when displayed.
    Only the first ``max_chars + 64`` characters are masked (a window wider than what is shown, so an email or
    phone cut at the edge is still masked): ``safe.mask_pii`` on a 200,000-character label takes minutes.
    """
    from experiments.lab.report import safe

    text = "" if value is None else str(value)
    masked = safe.mask_pii(text[:max_chars + 64])
    return masked if len(text) <= max_chars else f"{masked[:max_chars]}… ({len(text):,} characters)"


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
            pre_metric_col: str = "", time_col: str = "", segment_cols: Sequence[str] = (),
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
        when = pd.to_datetime(out[time_col], errors="coerce")
        bad = when.isna()
        if bad.any():
            raise DataInputError(f"{source}: column {time_col!r} has {int(bad.sum())} values that are not dates "
                                 f"({example_rows(bad)}); expected YYYY-MM-DD")
        out[time_col] = when
    for col in segment_cols:
        out[col] = out[col].astype("string").fillna("(missing)")
    return out


def variant_order(df: pd.DataFrame, variant_col: str, control_label: str) -> list[str]:
    """Return the variants with the control first, then the others in sorted order."""
    others = sorted(v for v in df[variant_col].astype(str).unique() if v != str(control_label))
    return [str(control_label), *others]


def company_events_path(processed: str | Path | None = None) -> Path:
    """Return the path of the company world's ``ad_events.parquet`` (``data/processed`` unless ``processed``)."""
    return (Path(processed) if processed else paths.processed_dir()) / "ad_events.parquet"


def company_world(experiment_id: str = "exp_cvr_lift", processed: str | Path | None = None) -> pd.DataFrame:
    """Return the company world's ``ad_events`` rows of one experiment, with per-unit outcomes derived.

    Reads the contract table written by ``01_data_cleaning`` (validated by ``contracts.load_processed``), which
    keeps every logged row: duplicates and assignment faults are this analysis's trust checks, not cleaning's.
    Added columns: ``clicked`` = 1 when the unit clicked at least once, ``converted`` = 1 when it converted at
    least once (both 0/1, z-tested); ``revenue`` stays a numeric per-unit amount (Welch-tested). Raises
    ``DataInputError`` when the table is missing (run 01_data_cleaning) or the experiment is unknown.
    """
    from experiments.data.contracts import load_processed

    path = company_events_path(processed)
    events = load_processed("ad_events", str(path.parent))
    require_columns(events, ["experiment_id", "unit_id", "variant", "clicks", "conversions"], path.name)
    known = sorted(events["experiment_id"].astype(str).unique())
    if experiment_id not in known:
        raise DataInputError(f"{path.name}: experiment_id {experiment_id!r} not found; found {known}")
    out = events[events["experiment_id"].astype(str) == experiment_id].reset_index(drop=True)
    out["clicked"] = (pd.to_numeric(out["clicks"], errors="coerce").fillna(0) > 0).astype(int)
    out["converted"] = (pd.to_numeric(out["conversions"], errors="coerce").fillna(0) > 0).astype(int)
    return out


#: Optional roles filled in for the company world when the parameter is left empty.
COMPANY_ROLES: dict[str, object] = {"pre_metric_col": "pre_conversions", "time_col": "date",
                                    "segment_cols": ["age_group", "gender", "interest", "channel"],
                                    "consistency_col": "landing_page", "planned_split": COMPANY_PLANNED_SPLIT,
                                    "pre_funnel_cols": {"impressions": "pre_impressions", "clicks": "pre_clicks",
                                                        "conversions": "pre_conversions", "revenue": "pre_revenue"}}


#: role -> parameter of notebook 06; ``load_table`` passes the roles to ``inputs.load_input``.
ROLE_PARAMETERS = {"unit": "unit_col", "variant": "variant_col", "metric": "metric_cols",
                   "pre_metric": "pre_metric_col", "time": "time_col", "segment": "segment_cols",
                   "consistency": "consistency_col", "guardrail": "guardrail_cols",
                   "uplift_feature": "uplift_features", "pre_funnel": "pre_funnel_cols"}
OPTIONAL_ROLES = ("pre_metric", "time", "segment", "consistency", "guardrail", "uplift_feature", "pre_funnel")


def load_table(input_path: str, roles: Mapping[str, object], *, experiment_id: str = "exp_cvr_lift",
               encoding: str = "", sheet: str | int = "") -> InputTable:
    """Read 06's input through the shared loader ``inputs.load_input`` and return the ``InputTable``.

    ``roles`` maps the role names of ``ROLE_PARAMETERS`` (``unit``, ``variant``, ``metric`` ...) to columns, after
    ``fill_company_roles``. With an empty ``input_path`` the company world's experiment ``experiment_id`` is read
    (``company_world``). A column the table does not have is a ``DataInputError`` naming the file, the parameter,
    the column and the closest existing column.
    """
    table = load_input(input_path, roles, optional=OPTIONAL_ROLES, encoding=encoding, sheet=sheet,
                       company=lambda: company_world(experiment_id))
    if table.is_company_world:
        table.source = f"company world: ad_events[{experiment_id}]"
    return table


def fill_company_roles(input_path: str, **roles: object) -> dict[str, object]:
    """Return ``roles`` (parameter name -> value) with the company world's optional roles filled where empty.

    The company world's ``ad_events`` has a pre-period metric, pre-period funnel counts (impressions, clicks,
    conversions, revenue: ratio CUPED), dates, segments, a landing page and a planned 50/50 split
    (``COMPANY_ROLES``); they are used only when no ``input_path`` is given.

    With ``input_path`` given nothing is filled: an empty role means "not given" (no CUPED, no daily view, no
    segments, no consistency check, no SRM test without a planned split).
    """
    out = dict(roles)
    if not input_path:
        for key, default in COMPANY_ROLES.items():
            if key in out and not out[key]:
                out[key] = default
    return out
