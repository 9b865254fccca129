"""Pandera schemas of the processed contract tables and the one way to load them.

Tables (``data/processed/<table>.parquet``, see ARCHITECTURE.md):
``customers``, ``orders``, ``items``, ``feedback``, ``ad_events``, ``service_contacts`` (one row per service
conversation, times in UTC) (and ``lineage``, the survivorship record), written by cleaning; and the analyses'
outputs (``OUTPUT_SCHEMAS``): ``segments``, ``recommendations``, ``churn_scores``, ``churn_actions``,
``care_queue``, ``feedback_scored``, each keyed by ``customer_id``, and ``staffing`` (07: one row, next week's agents).

Conventions every table follows:
- ids are strings; ``customer_id`` is nullable in ``orders`` (guest lines), ``feedback`` and ``ad_events`` (anonymous);
- event timestamps (``ordered_at``, ``created_at``) are timezone-aware UTC; calendar dates (``signup_date``,
  ``ad_events.date``) are naive midnight timestamps;
- ``orders.quantity`` and ``orders.amount`` are signed as recorded: a POS return line or a cancellation invoice that
  reverses an earlier sale has a negative quantity and amount; ``status`` says what happened to the line
  (completed / cancelled / returned) and revenue totals sum ``amount`` over ``completed`` lines;
- ``customers.source_ids`` is the sorted ``|``-joined list of raw record ids merged into the person.

Extra columns are allowed (e.g. ``orders.delivery_days``, ``ad_events.pre_conversions``); listed ones are required.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from experiments.data import paths
from experiments.data.tables import DataInputError

UTC = pd.DatetimeTZDtype(unit="us", tz="UTC")
DATE = "datetime64[us]"
E164 = r"^\+[1-9]\d{5,14}$"
EMAIL = r"^[a-z0-9._%+'-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$"
STATUSES = ["completed", "cancelled", "returned"]


class ContractError(DataInputError):
    """A processed table breaks its contract: the message names the table, the column and example rows."""


def _str(nullable: bool = False, unique: bool = False, checks=None) -> pa.Column:
    return pa.Column("string", nullable=nullable, unique=unique, checks=checks, coerce=True)


SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "customers": pa.DataFrameSchema({
        "customer_id": _str(unique=True),
        "name": _str(nullable=True),
        "email": _str(nullable=True, checks=pa.Check.str_matches(EMAIL)),
        "phone": _str(nullable=True, checks=pa.Check.str_matches(E164)),
        "city": _str(nullable=True),
        "signup_date": pa.Column(DATE, nullable=True, coerce=True),
        "acquisition_channel": _str(nullable=True),
        "source_ids": _str(checks=pa.Check.str_length(min_value=1)),
    }, strict=False, name="customers"),
    "orders": pa.DataFrameSchema({
        "order_id": _str(),
        "line_no": pa.Column("int64", coerce=True),
        "customer_id": _str(nullable=True),
        "item_id": _str(),
        "quantity": pa.Column("int64", pa.Check.ne(0), coerce=True),
        "unit_price": pa.Column("float64", pa.Check.ge(0), coerce=True),
        "amount": pa.Column("float64", coerce=True),
        "ordered_at": pa.Column(UTC, coerce=True),
        "channel": _str(),
        "status": _str(checks=pa.Check.isin(STATUSES)),
    }, strict=False, name="orders", unique=["channel", "order_id", "line_no"]),
    "items": pa.DataFrameSchema({
        "item_id": _str(unique=True),
        "name": _str(nullable=True),
        "category": _str(nullable=True),
        "price": pa.Column("float64", pa.Check.ge(0), nullable=True, coerce=True),
    }, strict=False, name="items"),
    "feedback": pa.DataFrameSchema({
        "feedback_id": _str(unique=True),
        "customer_id": _str(nullable=True),
        "channel": _str(),
        "created_at": pa.Column(UTC, coerce=True),
        "language": _str(checks=pa.Check.isin(["zh", "en"])),
        "text": _str(),
        "rating": pa.Column("Int64", pa.Check.in_range(1, 5), nullable=True, coerce=True),
    }, strict=False, name="feedback"),
    "ad_events": pa.DataFrameSchema({
        "experiment_id": _str(),
        "unit_id": _str(),
        "variant": _str(),
        "date": pa.Column(DATE, coerce=True),
        **{c: pa.Column("int64", pa.Check.ge(0), coerce=True) for c in ("impressions", "clicks", "conversions")},
        **{c: pa.Column("float64", pa.Check.ge(0), coerce=True) for c in ("revenue", "cost")},
        # issue 21: a logged-in unit's customer (cleaning maps member_ref); absent in sets cleaned before it
        "customer_id": pa.Column("string", nullable=True, required=False, coerce=True),
    }, strict=False, name="ad_events"),
    "service_contacts": pa.DataFrameSchema({
        "conversation_id": _str(unique=True),
        "customer_id": _str(nullable=True),
        "channel": _str(),
        "opened_at": pa.Column(UTC, coerce=True),
        "first_reply_at": pa.Column(UTC, nullable=True, coerce=True),
        "resolved_at": pa.Column(UTC, nullable=True, coerce=True),
        "handled_by": _str(checks=pa.Check.isin(["bot", "agent"])),
        **{c: pa.Column("int64", pa.Check.ge(0), coerce=True) for c in ("bot_turns", "bot_failures",
                                                                         "bot_max_fail_run", "bot_seconds")},
        "handed_to_agent": pa.Column("bool", coerce=True),
        "resolved": pa.Column("bool", coerce=True),
        "satisfaction": pa.Column("Int64", pa.Check.in_range(1, 5), nullable=True, coerce=True),
        "topic": _str(nullable=True),
        "text": _str(nullable=True),
    }, strict=False, name="service_contacts", checks=[
        pa.Check(lambda d: ~(d["first_reply_at"] < d["opened_at"]).fillna(False), name="reply_not_before_open"),
        pa.Check(lambda d: ~(d["resolved_at"] < d["opened_at"]).fillna(False), name="resolved_not_before_open")]),
    "campaigns": pa.DataFrameSchema({  # 01 from the retention campaign's raw file; 09 learns from it
        "send_id": _str(unique=True),
        "customer_id": _str(unique=True),
        "customer_ref": _str(),
        "arm": _str(),
        "sent_at": pa.Column(UTC, coerce=True),
        **{c: pa.Column("float64", pa.Check.ge(0), coerce=True) for c in ("cost", "spend_30d")},
    }, strict=False, name="campaigns"),
    "lineage": pa.DataFrameSchema({
        "customer_id": _str(),
        "field": _str(),
        "value": _str(nullable=True),
        "source": _str(nullable=True),
        "record_id": _str(nullable=True),
        "rule": _str(),
    }, strict=False, name="lineage"),
}
TABLES = tuple(SCHEMAS)


def _sorted_by(key, then) -> bool:
    """True when rows are sorted by ``key``, then by ``then`` within equal keys (customer_timeline)."""
    same = key[1:] == key[:-1]
    return bool(((key[1:] > key[:-1]) | (same & (then[1:] >= then[:-1]))).all())


def _share(column: str, low: float = 0.0, high: float = 1.0, nullable: bool = False) -> pa.Column:
    return pa.Column("float64", pa.Check.in_range(low, high), nullable=nullable, coerce=True, name=column)


# The analyses' published outputs, keyed by the cleaned customer_id so a later view can join them all. Checked by
# ``processed.publish_results`` before anything is written, so a broken output never replaces a good one.
OUTPUT_SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "segments": pa.DataFrameSchema({
        "customer_id": _str(unique=True),
        "n_purchases": pa.Column("float64", pa.Check.ge(0), coerce=True),
        "rfm_segment": _str(nullable=True),  # prospects (no purchase yet) have none
        "value_tier": _str(), "behaviour": _str(), "lifecycle": _str(),
        "p_alive": _share("p_alive", nullable=True),
        "clv": pa.Column("float64", pa.Check.ge(0), nullable=True, coerce=True),
    }, checks=pa.Check(lambda df: df["rfm_segment"].notna() | df["n_purchases"].eq(0),
                       error="every buyer (n_purchases > 0) has an rfm_segment"),
        strict=False, name="segments"),
    "recommendations": pa.DataFrameSchema({
        "customer_id": _str(), "rank": pa.Column("int64", pa.Check.ge(1), coerce=True), "item_id": _str(),
        "reason": _str(nullable=True), "source": _str(),
    }, strict=False, unique=["customer_id", "rank"], name="recommendations"),
    "churn_scores": pa.DataFrameSchema({
        "customer_id": _str(unique=True), "churn_probability": _share("churn_probability"), "tier": _str(),
        "contact": pa.Column("bool", coerce=True),  # no action: 09 decides
    }, strict=False, name="churn_scores"),
    "churn_actions": pa.DataFrameSchema({
        "rank": pa.Column("int64", pa.Check.ge(1), unique=True, coerce=True), "customer_id": _str(unique=True),
        "churn_probability": _share("churn_probability"),  # no action: 09's next_best_actions decides
    }, strict=False, name="churn_actions"),
    "care_queue": pa.DataFrameSchema({
        "customer_id": _str(), "grade": _str(checks=pa.Check.isin(["mild", "moderate", "severe"])),
        "reason": _str(), "action": _str(), "due_at": pa.Column(UTC, coerce=True),
    }, strict=False, name="care_queue"),
    "feedback_scored": pa.DataFrameSchema({
        "customer_id": _str(nullable=True),
        "language": _str(checks=pa.Check.isin(["zh", "en", "mixed"])),
        "sentiment": _str(checks=pa.Check.isin(["negative", "neutral", "positive"])),
        "intensity": _share("intensity", nullable=True), "topic": pa.Column("int64", coerce=True),
        "grade": _str(nullable=True),
    }, strict=False, name="feedback_scored"),
    "staffing": pa.DataFrameSchema({  # 07: next week's staffing figure; 09 derives its call capacity from it
        "week_start": pa.Column("datetime64[ns]", coerce=True),
        "agents_needed": pa.Column("int64", pa.Check.ge(0), coerce=True),
        "contacts_forecast": pa.Column("float64", pa.Check.ge(0), coerce=True),
    }, strict=False, name="staffing"),
    "next_best_actions": pa.DataFrameSchema({  # 09: the one decider of actions
        "customer_id": _str(unique=True), "action": _str(), "expected_gain": pa.Column("float64", coerce=True),
        "cost": pa.Column("float64", pa.Check.ge(0), coerce=True), "reason": _str(),
        "control_group": pa.Column("bool", coerce=True),
    }, checks=pa.Check(lambda df: ~df["control_group"] | df["action"].eq("none"),
                       error="a control-group customer gets no action"), strict=False, name="next_best_actions"),
    # 08: one row per customer, a block per analysis with its source's status, run id and time (profile.blocks)
    "customer_360": pa.DataFrameSchema({
        "customer_id": _str(unique=True), "consent": pa.Column("bool", coerce=True),
        **{f"{b}_status": _str(checks=pa.Check.isin(["fresh", "stale", "not computed"]))
           for b in ("identity", "value", "risk", "feelings", "service", "recommendations", "ads", "next_action")},
    }, strict=False, name="customer_360"),
    "customer_timeline": pa.DataFrameSchema({
        "customer_id": _str(), "time": pa.Column(UTC, coerce=True),
        "kind": _str(checks=pa.Check.isin(["order", "return", "feedback", "service contact", "escalation",
                                           "care action", "ad exposure"])),
        "channel": _str(nullable=True), "summary": _str(nullable=True),
    }, checks=pa.Check(lambda d: _sorted_by(d["customer_id"].astype(str).to_numpy(), d["time"].to_numpy()),
                       error="sorted by customer_id, then time"), strict=False, name="customer_timeline"),
}


def _describe(table: str, df: pd.DataFrame, exc: SchemaErrors | SchemaError) -> str:
    cases = exc.failure_cases if isinstance(exc, SchemaErrors) else exc.failure_cases
    lines = []
    if cases is None or len(cases) == 0:
        return f"table '{table}': {exc}"
    cases = pd.DataFrame(cases)
    for (column, check), grp in cases.groupby(["column", "check"], dropna=False, sort=False):
        col = "(table)" if pd.isna(column) else column
        idx = [i for i in grp["index"].tolist() if i is not None and not pd.isna(i)]
        positions = [int(df.index.get_loc(i)) + 1 for i in idx[:5] if i in df.index] if idx else []
        vals = grp["failure_case"].head(3).tolist()
        where = f" (rows {', '.join(map(str, positions))}{', ...' if len(idx) > 5 else ''})" if positions else ""
        lines.append(f"column '{col}' fails {check} in {len(grp)} row(s){where}; examples {vals}")
    return f"table '{table}' breaks its contract: " + "; ".join(lines)


def validate(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Validate ``df`` against the contract of ``table`` and return it with contract dtypes (coerced).

    Raises ``ContractError`` naming the table, each failing column and check, and example rows (1-based positions).
    """
    schema = SCHEMAS.get(table) or OUTPUT_SCHEMAS.get(table)
    if schema is None:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join((*TABLES, *OUTPUT_SCHEMAS))}")
    missing = [c for c, col in schema.columns.items() if c not in df.columns and col.required]
    if missing:
        raise ContractError(f"table '{table}': missing required column(s) {', '.join(map(repr, missing))}; "
                            f"found {', '.join(map(repr, map(str, df.columns)))}")
    try:
        return schema.validate(df, lazy=True)
    except (SchemaErrors, SchemaError) as exc:
        raise ContractError(_describe(table, df, exc)) from None


def _processed_path(table: str, folder: str | None = None) -> Path:
    """``data/processed/<table>.parquet`` of the current version (or of ``folder``); a ``DataInputError`` saying
    which notebook makes it when it is not there."""
    if folder:
        base = paths.resolve(folder)
    else:
        from experiments.data.processed import current_dir

        base = current_dir()  # one version for every read of the process
    path = base / f"{table}.parquet"
    if not path.is_file():
        raise DataInputError(f"{path}: not found; run notebooks/01_data_cleaning first "
                             "(python -m experiments run 01_data_cleaning)")
    return path


def load_processed(table: str, folder: str | None = None) -> pd.DataFrame:
    """Read ``data/processed/<table>.parquet`` (or ``folder``) and validate it against its contract."""
    return validate(pd.read_parquet(_processed_path(table, folder)), table)


def load_processed_columns(table: str, columns: list[str]) -> pd.DataFrame:
    """Read only ``columns`` of the current ``data/processed/<table>.parquet`` (checked to be columns of its
    contract, the rows not validated): for evaluation code that needs two columns of a large table (the lineage
    has 6.3 million rows at size xlarge), which ``load_processed`` would read and validate whole."""
    schema = SCHEMAS.get(table) or OUTPUT_SCHEMAS[table]
    unknown = [c for c in columns if c not in schema.columns]
    if unknown:
        raise ValueError(f"{table} has no column(s) {unknown} in its contract")
    return pd.read_parquet(_processed_path(table), columns=list(columns))
