"""Transactions in: ``load(config) -> Data``, the company-world adapter and the flat-table adapter.

Both go through ``experiments.data.inputs.load_input``. A flat table needs a customer, a date and an amount column
(or ``quantity_col`` x ``price_col``, order lines such as Online Retail); its rows are validated by
``transactions.validate_transactions`` (bad dates or numbers stop with an error naming file, column and rows).

The company world (empty ``input_path``) is built from the processed contract tables of 01:

- ``transactions``: one row per purchase order, i.e. (customer_id, date, amount) of each order's completed positive
  lines, dated on the company's calendar (Asia/Shanghai);
- ``needs_profile``: per customer the signals the needs view reads: discount share of purchase lines, price level
  (mean within-category price percentile of the items bought), service contacts (feedback rows) and returns per
  order, plus the preferred channel and order count;
- every registered customer id (those who never bought are the prospects).

All aggregation is vectorised pandas (groupby), no loop per customer. Never reads the planted truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.common.errors import DataInputError, example_rows
from experiments.data import inputs
from experiments.segments.config import Config
from experiments.segments.transactions import check_enough_customers, set_aside_future, validate_transactions


@dataclass
class Data:
    """What a run segments: transactions, the company's needs profile and registered ids (None for a flat table),
    the ``InputTable`` read and the rows dropped before segmentation (reason -> count)."""

    tx: pd.DataFrame
    profile: pd.DataFrame | None
    prospects: pd.Index | None
    table: inputs.InputTable
    dropped: dict = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The data source's name as the segments table records it (file name, or the company tables)."""
        return self.table.source


TIMEZONE = "Asia/Shanghai"
"""The company's calendar: an order at 23:30 UTC belongs to the next local day."""


def _purchase_lines(orders: pd.DataFrame) -> pd.DataFrame:
    keep = orders["customer_id"].notna() & (orders["status"] == "completed") & (orders["quantity"] > 0) & (
        orders["amount"] > 0)
    return orders[keep]


def local_date(ts: pd.Series) -> pd.Series:
    """Calendar day (naive midnight) of UTC timestamps ``ts`` in the company's time zone."""
    return ts.dt.tz_convert(TIMEZONE).dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def transactions(orders: pd.DataFrame) -> pd.DataFrame:
    """Return (customer_id, date, amount) per purchase order: the sum of its completed lines with a positive amount.

    Guest lines (no customer_id), cancelled and returned lines and POS return lines (negative quantity) are left
    out: they are not purchases. Revenue of returned lines is therefore not counted as spend.
    """
    lines = _purchase_lines(orders)
    out = lines.groupby(["customer_id", "channel", "order_id"], as_index=False, sort=True).agg(
        ordered_at=("ordered_at", "min"), amount=("amount", "sum"))
    out["date"] = local_date(out["ordered_at"])
    return out[["customer_id", "date", "amount", "channel"]].astype({"customer_id": str})


def needs_profile(orders: pd.DataFrame, items: pd.DataFrame, feedback: pd.DataFrame,
                  customers: pd.Series) -> pd.DataFrame:
    """Return per customer (index ``customer_id``, every id in ``customers``): n_orders, n_lines, discount_share,
    price_level, service_contacts, returns, contacts_per_order, shop_share, preferred_channel, top_category.

    ``discount_share``: share of purchase lines whose unit price is below the item's list price (a discount).
    ``price_level``: mean over purchase lines of the item's list-price percentile within its category (0.5 = a
    typical item of that category; near 1 = the dearest).
    ``contacts_per_order``: (feedback rows + returned orders) per order, the service dependence signal.
    """
    lines = _purchase_lines(orders)
    it = items.drop_duplicates("item_id").set_index("item_id")
    pct = it.groupby("category")["price"].rank(pct=True, method="average")
    list_price = it["price"].reindex(lines["item_id"]).to_numpy(float)
    disc = lines["unit_price"].to_numpy(float) < list_price - 1e-9
    level = pct.reindex(lines["item_id"]).to_numpy(float)
    cat = it["category"].reindex(lines["item_id"]).astype("string").to_numpy()
    per = pd.DataFrame({"customer_id": lines["customer_id"].astype(str).to_numpy(), "disc": disc, "level": level,
                        "category": cat, "order_id": lines["order_id"].astype(str).to_numpy(),
                        "shop": (lines["channel"] == "shop").to_numpy(), "channel": lines["channel"].to_numpy()})
    g = per.groupby("customer_id")
    prof = pd.DataFrame({"n_lines": g.size(), "discount_share": g["disc"].mean(), "price_level": g["level"].mean()})
    order_level = per.drop_duplicates(["customer_id", "channel", "order_id"])
    og = order_level.groupby("customer_id")
    prof["n_orders"] = og.size()
    prof["shop_share"] = og["shop"].mean()
    prof["preferred_channel"] = (order_level.groupby(["customer_id", "channel"]).size().reset_index(name="n")
                                 .sort_values(["customer_id", "n", "channel"], ascending=[True, False, True])
                                 .drop_duplicates("customer_id").set_index("customer_id")["channel"])
    prof["top_category"] = (per.dropna(subset=["category"]).groupby(["customer_id", "category"]).size()
                            .reset_index(name="n").sort_values(["customer_id", "n", "category"],
                                                                ascending=[True, False, True])
                            .drop_duplicates("customer_id").set_index("customer_id")["category"])
    ids = pd.Index(customers.astype(str).unique(), name="customer_id")
    prof = prof.reindex(ids)
    fb = feedback[feedback["customer_id"].notna()]
    prof["service_contacts"] = fb.groupby(fb["customer_id"].astype(str)).size().reindex(ids, fill_value=0)
    ret = orders[orders["customer_id"].notna() & (orders["status"] == "returned")]
    prof["returns"] = ret.drop_duplicates(["customer_id", "channel", "order_id"]).groupby(
        ret["customer_id"].astype(str)).size().reindex(ids, fill_value=0)
    prof[["n_lines", "n_orders"]] = prof[["n_lines", "n_orders"]].fillna(0).astype(np.int64)
    prof["contacts_per_order"] = (prof["service_contacts"] + prof["returns"]) / prof["n_orders"].where(
        prof["n_orders"] > 0)
    return prof


def load_company_inputs(folder=None) -> tuple[pd.DataFrame, pd.DataFrame, pd.Index]:
    """Read the processed contract tables and return (transactions, needs profile, every registered customer id)."""
    from experiments.data.contracts import load_processed

    orders = load_processed("orders", folder)
    customers = load_processed("customers", folder)
    profile = needs_profile(orders, load_processed("items", folder), load_processed("feedback", folder),
                            customers["customer_id"])
    return transactions(orders), profile, pd.Index(customers["customer_id"].astype(str))


def order_line_amounts(frame: pd.DataFrame, table: inputs.InputTable) -> pd.DataFrame:
    """Return ``frame`` with ``amount`` = quantity x price when the table has no amount column (order lines).

    Raises ``DataInputError`` when neither an amount nor both quantity and price are given, or when a quantity or
    price is not a number (file, column and rows named)."""
    if "amount" in frame.columns:
        return frame
    if not {"quantity", "price"} <= set(frame.columns):
        raise DataInputError(f"{table.source}: give amount_col, or both quantity_col and price_col")
    frame = frame.copy()
    for role in ("quantity", "price"):
        num = pd.to_numeric(frame[role], errors="coerce")
        bad = num.isna() & frame[role].notna()
        if bad.any():
            raise DataInputError(f"{table.source}: column {table.columns[role]!r} has {int(bad.sum())} values "
                                 f"that are not numbers ({example_rows(bad)})")
        frame[role] = num
    frame["amount"] = frame["quantity"] * frame["price"]
    return frame


def load(config: Config) -> Data:
    """Read the transactions of ``config``: the company world's processed tables (empty ``input_path``) or a flat
    table (see the module docstring). Purchases dated in the future (``transactions.set_aside_future``) are set
    aside and counted (``dropped["future_date"]``); fewer than ``transactions.MIN_CUSTOMERS`` customers stop here."""
    if not config.input_path:
        tx, profile, ids = load_company_inputs()
        table = inputs.load_input("", {"customer": config.customer_col, "date": config.time_col,
                                       "amount": config.amount_col}, company=lambda: tx)
        tx, n_future = set_aside_future(tx, config.as_of, table.source)
        check_enough_customers(tx, table.source, "customer_id")
        return Data(tx=tx, profile=profile, prospects=ids, table=table, dropped={"future_date": n_future})
    roles = {"customer": config.customer_col, "date": config.time_col, "amount": config.amount_col,
             "quantity": config.quantity_col, "price": config.price_col}
    table = inputs.load_input(config.input_path, roles, optional=["amount", "quantity", "price"],
                              encoding=config.input_encoding, sheet=config.input_sheet, sep=config.input_sep,
                              header=config.input_header, names={"date": "time_col"})
    frame = order_line_amounts(table.select(), table)
    tx, dropped = validate_transactions(frame, table.source, table.columns, config.date_order, config.date_format,
                                        keep_zero=config.keep_zero_amounts)
    tx, dropped["future_date"] = set_aside_future(tx, config.as_of, table.source)
    check_enough_customers(tx, table.source, table.columns.get("customer", config.customer_col))
    return Data(tx=tx, profile=None, prospects=None, table=table, dropped=dropped)
