"""Clean a flat order-lines table (one row per invoice line, e.g. UCI Online Retail) into orders/items/customers.

Roles (the notebook's ``<role>_col`` parameters): ``order`` (invoice number), ``item`` (product code),
``item_name``, ``quantity``, ``price`` (unit price), ``date``, ``customer`` and optional ``country``.

Status rule for a flat table: an order id starting with ``cancel_prefix`` (``C`` in Online Retail) is a
cancellation; otherwise a negative quantity is a return; everything else is completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.cleaning.config import OPTIONAL_ROLES, ROLES
from experiments.cleaning.orders import ORDER_COLUMNS, OrderCounts, clean_lines, items_from_lines
from experiments.cleaning.quarantine import Quarantine
from experiments.cleaning.rules import RuleLog
from experiments.common.errors import example_rows
from experiments.data.engine import Engine
from experiments.data.tables import DataInputError, map_columns

FLAT_SOURCE = "order_lines"


@dataclass
class FlatResult:
    """The contract tables of a flat order-lines table plus the quality objects behind its report."""

    tables: dict[str, pd.DataFrame]
    counts: OrderCounts
    log: RuleLog
    quarantine: Quarantine


def clean_order_lines(df: pd.DataFrame, mapping: Mapping[str, str], *, source_name: str = "input",
                      date_order: str = "auto", date_format: str = "", cancel_prefix: str = "C",
                      channel: str = "online", as_of: str = "", rule_actions: Mapping[str, str] | None = None,
                      engine: Engine | None = None) -> FlatResult:
    """Clean a flat order-lines table; ``mapping`` is ``{role: column}`` (roles in ``ROLES``).

    Returns orders (all statuses, duplicates removed, guest lines kept with a null ``customer_id``), items (name =
    most frequent description, price = median positive completed unit price) and customers (one per customer id;
    ``signup_date`` = first order date, ``country`` = most frequent country). ``as_of`` (ISO date, optional) turns on
    the future-date rule. Raises ``DataInputError`` naming ``source_name`` for missing columns or unreadable dates.
    """
    if df.empty:
        raise DataInputError(f"{source_name}: the table has a header but no rows")
    unknown = set(mapping) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s) {sorted(unknown)}; expected {ROLES}")
    mapped = map_columns(df, {r: mapping.get(r, "") for r in ROLES}, source_name, optional=OPTIONAL_ROLES)
    lines = pd.DataFrame(index=df.index)
    lines["order_id"] = mapped["order"]
    lines["customer_ref"] = mapped["customer"] if "customer" in mapped else pd.NA
    lines["item_id"] = mapped["item"]
    lines["item_name"] = (mapped["item_name"].astype("string").str.strip() if "item_name" in mapped
                          else pd.Series(pd.NA, index=df.index, dtype="string"))
    # raw values go to clean_lines untouched: it quarantines text, non-finite and non-integer values by reason
    lines["quantity"] = mapped["quantity"]
    lines["unit_price"] = mapped["price"]
    quantity_number = pd.to_numeric(mapped["quantity"], errors="coerce")
    _check_numeric(mapped, source_name)
    lines["ordered_at_raw"] = mapped["date"]
    if "country" in mapped:
        lines["country"] = mapped["country"].astype("string").str.strip()
    order_text = mapped["order"].astype("string").str.strip()
    cancelled = order_text.str.upper().str.startswith(cancel_prefix.upper()).fillna(False) if cancel_prefix else False
    lines["status"] = np.where(cancelled, "cancelled", np.where(quantity_number < 0, "returned", "completed"))
    lines["channel"] = channel

    log = RuleLog.with_overrides(rule_actions)
    q = Quarantine()
    clean, counts = clean_lines(df, lines, source=FLAT_SOURCE, log=log, quarantine=q,
                                as_of=pd.Timestamp(as_of) if as_of else None, date_order=date_order,
                                date_format=date_format, label=source_name, date_column=mapping["date"],
                                engine=engine)
    clean = clean.rename(columns={"customer_ref": "customer_id"})
    orders = clean[ORDER_COLUMNS + [c for c in ("country",) if c in clean]].reset_index(drop=True)
    items = items_from_lines(clean)
    customers = _customers_from_lines(clean)
    return FlatResult(tables={"orders": orders, "items": items, "customers": customers}, counts=counts, log=log,
                      quarantine=q)


def _check_numeric(mapped: pd.DataFrame, source: str) -> None:
    """Stop when most values of the quantity or price column are not numbers: the wrong column was mapped."""
    for role in ("quantity", "price"):
        bad = mapped[role].notna() & pd.to_numeric(mapped[role], errors="coerce").isna()
        if bad.mean() > 0.5:
            raise DataInputError(f"{source}: column mapped to '{role}' has {int(bad.sum())} non-numeric values "
                                 f"({example_rows(bad)}: {mapped[role][bad].head(3).tolist()}); expected numbers")


def _customers_from_lines(lines: pd.DataFrame) -> pd.DataFrame:
    known = lines.dropna(subset=["customer_id"])
    g = known.groupby("customer_id")
    out = pd.DataFrame({"signup_date": g["ordered_at"].min().dt.tz_localize(None).dt.normalize()})
    if "country" in known:
        top = (known.groupby(["customer_id", "country"]).size().rename("n").reset_index()
               .sort_values(["customer_id", "n"], ascending=[True, False]).drop_duplicates("customer_id")
               .set_index("customer_id")["country"])
        out["country"] = top.reindex(out.index).astype("string")
    for col in ("name", "email", "phone", "city", "acquisition_channel"):
        out[col] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["source_ids"] = out.index.astype("string")
    out = out.reset_index()
    return out[["customer_id", "name", "email", "phone", "city", "signup_date", "acquisition_channel", "source_ids"]
               + [c for c in ("country",) if c in out]]
