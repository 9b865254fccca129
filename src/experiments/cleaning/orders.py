"""Order lines: duplicates, cancellations and returns, guest lines, impossible prices and dates.

Input is a frame in the *order-lines layout* (one row per raw line, already renamed onto roles):
``order_id, line_no (optional), customer_ref, item_id, item_name (optional), quantity, unit_price, ordered_at_raw,
status (completed / cancelled / returned), channel`` plus any extra columns (kept).

What the counts mean (they are taken on the raw rows, before any row is removed, so they can be checked against a
source's own documentation):
- ``n_duplicate_rows``: raw rows identical in every column of the file to an earlier raw row (the later copies);
  they are quarantined with reason ``exact_duplicate`` and do not reach the output;
- ``n_cancellations``: raw rows whose status is ``cancelled`` (shop status, POS voids, invoice numbers starting
  with ``C`` in Online Retail), duplicates included;
- ``n_returns``: raw rows whose status is ``returned``;
- ``n_missing_customer_id``: raw rows without a customer reference (guest checkout / walk-in / no CustomerID);
- ``n_guest_orders``: distinct orders in the output whose lines have no customer id (their revenue still counts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.cleaning.engine_steps import duplicate_rows
from experiments.cleaning.quarantine import Quarantine
from experiments.cleaning.rules import RuleLog, apply_rule, future_mask, price_masks
from experiments.common.dates import check_dates_parsed, parse_dates
from experiments.data.engine import Engine, embedded

#: The largest plausible |quantity| of one order line; anything above is quarantined as ``quantity_out_of_range``
#: (it is far below int64's limit, so no cast can overflow).
MAX_QUANTITY = 1_000_000
#: The largest plausible unit price of one order line; anything above is quarantined as ``price_out_of_range``.
MAX_PRICE = 1_000_000

ORDER_COLUMNS = ["order_id", "line_no", "customer_id", "item_id", "quantity", "unit_price", "amount", "ordered_at",
                 "channel", "status"]


@dataclass
class OrderCounts:
    """Raw-row counts of one order source (see the module doc for their exact meaning)."""

    rows_in: int
    n_duplicate_rows: int
    n_cancellations: int
    n_returns: int
    n_missing_customer_id: int


def standardise_ids(values: pd.Series) -> pd.Series:
    """Return ids as trimmed strings; integral floats lose their ``.0`` (17850.0 -> '17850'); blanks become <NA>."""
    s = pd.Series(values)
    if pd.api.types.is_float_dtype(s):
        ints = s.dropna()
        if (ints == ints.round()).all():
            return s.astype("Int64").astype("string")
    text = s.astype("string").str.strip()
    text = text.str.replace(r"\.0$", "", regex=True)
    return text.where((text != "") & (text.str.lower() != "nan"))


def raw_counts(raw: pd.DataFrame, lines: pd.DataFrame, duplicates: pd.Series) -> OrderCounts:
    """Count duplicates (``duplicates``: the exact-duplicate mask of ``raw``'s rows), cancellations, returns and
    missing customers on raw rows."""
    return OrderCounts(
        rows_in=len(raw),
        n_duplicate_rows=int(duplicates.sum()),
        n_cancellations=int((lines["status"] == "cancelled").sum()),
        n_returns=int((lines["status"] == "returned").sum()),
        n_missing_customer_id=int(lines["customer_ref"].isna().sum()),
    )


def clean_lines(raw: pd.DataFrame, lines: pd.DataFrame, *, source: str, log: RuleLog, quarantine: Quarantine,
                as_of: pd.Timestamp | None = None, date_order: str = "auto", date_format: str = "",
                utc_offset_hours: float = 0.0, label: str = "", date_column: str = "ordered_at",
                engine: Engine | None = None) -> tuple[pd.DataFrame, OrderCounts]:
    """Clean one source's order lines; return (lines in the orders layout with ``customer_ref``, raw counts).

    ``raw`` is the file as read (used for exact-duplicate detection and written to quarantine), ``lines`` the same
    rows (same index) mapped onto the order-lines layout. Every row ends in the output or in ``quarantine``.
    ``label`` (the file name) and ``date_column`` (the raw date column) are used in error messages. The exact
    duplicates (every column of ``raw``) and duplicate line keys are found on ``engine`` (default: embedded DuckDB;
    ``experiments.cleaning.engine_steps``).
    """
    engine = engine or embedded()
    lines = lines.copy()
    lines["customer_ref"] = standardise_ids(lines["customer_ref"])
    lines["order_id"] = standardise_ids(lines["order_id"])
    lines["item_id"] = standardise_ids(lines["item_id"])
    duplicates = duplicate_rows(engine, raw).set_axis(lines.index)
    counts = raw_counts(raw, lines, duplicates)
    quarantine.set_in(source, len(raw))
    raw_q = raw.copy()
    raw_q.index = lines.index

    def _move(mask: pd.Series, rule: str, column: str) -> None:
        nonlocal lines
        kept, bad = apply_rule(lines, mask, rule=rule, column=column, source=source, log=log)
        if not bad.empty:
            quarantine.add(source, raw_q.loc[bad.index].assign(reason=bad["reason"]))
        lines = kept

    parsed = parse_dates(lines["ordered_at_raw"], order=date_order, fmt=date_format,
                         utc_offset_hours=utc_offset_hours, column=date_column)
    check_dates_parsed(parsed, lines["ordered_at_raw"], label or source, date_column)
    lines["ordered_at"] = parsed.values.dt.tz_localize("UTC")
    _move(duplicates, "exact_duplicate", "(all)")
    no_time = _is_blank(lines["ordered_at_raw"])
    _move(lines["ordered_at"].isna() & no_time, "missing_order_time", "ordered_at")
    _move(lines["ordered_at"].isna(), "unparseable_order_time", "ordered_at")
    if as_of is not None:
        _move(future_mask(lines["ordered_at"].dt.tz_localize(None), as_of), "future_order_time", "ordered_at")

    _move(lines["item_id"].isna(), "missing_item", "item_id")
    for rule, mask in numeric_problems(lines["quantity"], "quantity").items():
        _move(mask.reindex(lines.index, fill_value=False), rule, "quantity")
    lines["quantity"] = pd.to_numeric(lines["quantity"], errors="coerce")
    _move(lines["quantity"] == 0, "zero_quantity", "quantity")
    for rule, mask in numeric_problems(lines["unit_price"], "price").items():
        _move(mask.reindex(lines.index, fill_value=False), rule, "unit_price")
    lines["unit_price"] = pd.to_numeric(lines["unit_price"], errors="coerce")
    zero, negative = price_masks(lines["unit_price"])
    _move(negative, "negative_price", "unit_price")
    zero = zero.reindex(lines.index, fill_value=False)
    lines, _ = apply_rule(lines, zero, rule="zero_price", column="unit_price", source=source, log=log)

    if "line_no" not in lines or lines["line_no"].isna().all():
        lines["line_no"] = lines.groupby("order_id", sort=False).cumcount() + 1
    lines["line_no"] = pd.to_numeric(lines["line_no"], errors="coerce")
    missing_no = lines["line_no"].isna()
    if missing_no.any():
        lines.loc[missing_no, "line_no"] = lines[missing_no].groupby("order_id").cumcount() + 10_000
    _move(duplicate_rows(engine, lines, ["order_id", "line_no"]), "duplicate_line_key", "line_no")

    lines["quantity"] = lines["quantity"].astype(np.int64)
    lines["line_no"] = lines["line_no"].astype(np.int64)
    lines["amount"] = (lines["quantity"] * lines["unit_price"]).round(2)
    lines["channel"] = lines["channel"].astype("string")
    quarantine.set_out(source, len(lines))
    return lines.drop(columns=["ordered_at_raw"]), counts


def _is_blank(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    blank = values.isna().to_numpy(bool) | text.isna().to_numpy(bool)
    blank |= text.fillna("").str.lower().isin(["", "nan", "nat", "none"]).to_numpy(bool)
    return pd.Series(blank, index=values.index)


def numeric_problems(values: pd.Series, role: str) -> dict[str, pd.Series]:
    """Return ``{rule: mask}`` for the values of a quantity or price column that are not usable numbers.

    Checked on the raw values before any cast; a row is caught by the first rule that applies, in this order:
    price: ``missing_price`` (blank), ``non_numeric_price`` (text such as "abc"), ``non_finite_price`` (inf),
    ``price_out_of_range`` (|p| > ``MAX_PRICE``);
    quantity: ``non_numeric_quantity`` (blank or text), ``non_finite_quantity``, ``non_integer_quantity`` (2.5),
    ``quantity_out_of_range`` (|q| > ``MAX_QUANTITY``). Zero and negative values are other rules' business.
    """
    idx = values.index
    blank = _is_blank(values).to_numpy(bool)
    num = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
    text = values.astype("string").str.strip().str.lower().fillna("")
    written_inf = text.isin(["inf", "-inf", "+inf", "infinity", "-infinity"]).to_numpy(bool)
    non_finite = (np.isinf(num) | written_inf) & ~blank
    non_numeric = np.isnan(num) & ~blank & ~non_finite
    out: dict[str, np.ndarray] = {}
    if role == "price":
        out["missing_price"] = blank
    else:
        non_numeric = non_numeric | blank
    out[f"non_numeric_{role}"] = non_numeric
    out[f"non_finite_{role}"] = non_finite
    if role == "quantity":
        finite = np.where(np.isfinite(num), num, 0.0)
        out["non_integer_quantity"] = finite != np.round(finite)
        out["quantity_out_of_range"] = np.abs(finite) > MAX_QUANTITY
    else:
        out["price_out_of_range"] = np.abs(np.where(np.isfinite(num), num, 0.0)) > MAX_PRICE
    return {rule: pd.Series(mask, index=idx) for rule, mask in out.items()}


def guest_orders(orders: pd.DataFrame) -> int:
    """Number of distinct orders (per channel) whose lines carry no customer id."""
    g = orders[orders["customer_id"].isna()]
    return int(g[["channel", "order_id"]].drop_duplicates().shape[0])


def revenue_summary(orders: pd.DataFrame) -> pd.DataFrame:
    """Revenue of completed lines split into identified and guest customers, per channel (guests stay in totals)."""
    done = orders[orders["status"] == "completed"]
    who = np.where(done["customer_id"].isna(), "guest", "identified")
    t = done.groupby([done["channel"], pd.Series(who, index=done.index, name="customer")])["amount"].sum()
    return t.unstack(fill_value=0.0).assign(total=lambda d: d.sum(axis=1)).round(2)


def items_from_lines(lines: pd.DataFrame) -> pd.DataFrame:
    """Build an items table from order lines (flat tables without an item file).

    ``name`` is the most frequent item name, ``price`` the median positive unit price of completed lines.
    """
    ids = pd.Index(lines["item_id"].dropna().unique(), name="item_id")
    if "item_name" in lines and lines["item_name"].notna().any():
        named = lines.dropna(subset=["item_name"])
        name = (named.groupby(["item_id", "item_name"]).size().rename("n").reset_index()
                .sort_values(["item_id", "n", "item_name"], ascending=[True, False, True])
                .drop_duplicates("item_id").set_index("item_id")["item_name"])
    else:
        name = pd.Series(dtype="string")
    ok = lines[(lines["status"] == "completed") & (lines["unit_price"] > 0)]
    price = ok.groupby("item_id")["unit_price"].median()
    out = pd.DataFrame(index=ids)
    out["name"] = name.reindex(ids).astype("string")
    out["category"] = pd.Series(pd.NA, index=ids, dtype="string")
    out["price"] = price.reindex(ids).astype("float64")
    return out.reset_index()
