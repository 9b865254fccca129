"""Company-world churn features as of a snapshot, computed only from events strictly before it (no look-ahead).

One row per customer with a completed purchase before the snapshot (the population of ``labels.churn_labels``).
Every event table is cut at ``< snapshot`` first, then aggregated on the data engine (``experiments.data.engine``:
DuckDB or Spark): the order lines in one SQL statement (``ORDER_FEATURES_SQL``), feedback messages, scored messages
and service conversations in one each (``FEEDBACK_FEATURES_SQL``, ``SCORED_FEATURES_SQL``,
``CONTACT_FEATURES_SQL``). An order is one ``(channel, order_id)``; amounts are the signed
line amounts of completed purchases.

Features (days are fractional days before the snapshot):
recency_days, tenure_days (since the first purchase), orders_total, orders_last_90, orders_prev_90,
frequency_trend = log1p(orders_last_90) - log1p(orders_prev_90) (negative when buying less), spend_total,
spend_last_90, spend_prev_90, monetary_trend (same on spend), avg_order_value, discount_share (share of purchase
lines below the item's list price), online_share (share of orders in the shop channel), late_deliveries (orders not
cancelled with ``delivery_days > late_days``), returns, cancellations, cat_share_<category> (spend share of each of
the given categories), feedback_count (messages), low_rating_count (rating <= 2), days_since_feedback; with scored
feedback negative_feedback and severe_feedback; with the service log service_contacts, unresolved_contacts and
low_satisfaction_contacts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.churn.labels import purchases, utc_timestamp

DAY = pd.Timedelta(days=1)
WINDOW = 90
"""Days of the recent window and of the window before it (the frequency and monetary trends)."""


def category_column(category: str) -> str:
    """Return the feature name of a category's spend share (``cat_share_`` + lower-case slug)."""
    return "cat_share_" + (re.sub(r"[^0-9a-z]+", "_", str(category).lower()).strip("_") or "other")


def top_categories(orders: pd.DataFrame, items: pd.DataFrame, snapshot: pd.Timestamp, k: int = 6) -> list[str]:
    """Return the ``k`` categories with the most purchase spend before ``snapshot`` (the category-mix columns)."""
    # the three columns it reads of the purchase lines, then the time cut: no copy of the whole order table (about
    # +1.6 GB at 10 million lines), the same rows in the same order
    buy = purchases(orders, ["ordered_at", "item_id", "amount"])
    buy = buy.loc[buy["ordered_at"] < utc_timestamp(snapshot)]
    cat = buy["item_id"].map(items.set_index("item_id")["category"])
    spend = buy["amount"].groupby(cat).sum().sort_values(ascending=False, kind="stable")
    return [str(c) for c in spend.index[:k]]


ORDER_FEATURES_SQL = """
WITH raw AS (
  SELECT o.c, o.ch || '|' || o.oid AS o, o.t, o.status, o.quantity, o.amount, o.unit_price, o.ch, o.dd,
         i.price AS list_price, CAST(i.category AS VARCHAR) AS category
  FROM orders o LEFT JOIN items i ON o.item_id = i.item_id
  WHERE o.t < {snap}),
buy AS (SELECT * FROM raw WHERE status = 'completed' AND quantity > 0),
b AS (
  SELECT c, MAX(t) AS last_t, MIN(t) AS first_t, COUNT(DISTINCT o) AS orders_total,
         COUNT(DISTINCT CASE WHEN {snap} - t < {w} THEN o END) AS orders_last_90,
         COUNT(DISTINCT CASE WHEN {snap} - t >= {w} AND {snap} - t < 2 * {w} THEN o END) AS orders_prev_90,
         {sum}(amount) AS spend_total,
         {sum}(CASE WHEN {snap} - t < {w} THEN amount ELSE 0.0 END) AS spend_last_90,
         {sum}(CASE WHEN {snap} - t >= {w} AND {snap} - t < 2 * {w} THEN amount ELSE 0.0 END) AS spend_prev_90,
         SUM(CASE WHEN unit_price < list_price - 1e-9 THEN 1 ELSE 0 END) AS n_discounted, COUNT(*) AS n_lines,
         COUNT(DISTINCT CASE WHEN ch = 'shop' THEN o END) AS orders_shop{categories}
  FROM buy GROUP BY c),
r AS (
  SELECT c, COUNT(DISTINCT CASE WHEN status IS DISTINCT FROM 'cancelled' AND COALESCE(dd, -1) > {late} THEN o END)
              AS late_deliveries,
         COUNT(DISTINCT CASE WHEN status = 'returned' THEN o END) AS returns,
         COUNT(DISTINCT CASE WHEN status = 'cancelled' THEN o END) AS cancellations
  FROM raw GROUP BY c)
SELECT b.*, r.late_deliveries, r.returns, r.cancellations FROM b JOIN r ON b.c = r.c ORDER BY b.c
"""
"""The order-line features per customer on the engine: every line before the snapshot (``raw``), the completed
purchases among them (``buy``: the population), an order is one (channel, order_id)."""

US_PER_DAY = 86_400_000_000


def _order_inputs(orders: pd.DataFrame, items: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The engine's ``orders`` (c, ch, oid, t in epoch microseconds, status, quantity, amount, unit_price, item_id,
    dd) and ``items`` (item_id, price, category) tables; lines without a customer are left out (no one to score).
    Text crosses as Arrow strings (a missing one as null), not Python objects: a third of the memory (at size large
    the order table's copy peaks at +155 MB instead of +472 MB; at xlarge that is 1.5 GB instead of 4.7 GB)."""
    from experiments.data.engine import to_micros

    def text(values: pd.Series) -> pd.arrays.ArrowStringArray:
        return values.astype("string[pyarrow]").array

    raw = orders.loc[orders["customer_id"].notna()]
    frame = pd.DataFrame({
        "c": text(raw["customer_id"].astype(str)), "ch": text(raw["channel"].astype(str)),
        "oid": text(raw["order_id"].astype(str)), "t": to_micros(raw["ordered_at"]),
        "status": text(raw["status"]), "quantity": raw["quantity"].to_numpy(dtype=float),
        "amount": raw["amount"].to_numpy(dtype=float), "unit_price": raw["unit_price"].to_numpy(dtype=float),
        "item_id": text(raw["item_id"])})
    frame["dd"] = (pd.to_numeric(raw["delivery_days"], errors="coerce").astype(float).to_numpy()
                   if "delivery_days" in raw.columns else np.nan)
    cat = items["category"].astype(str)
    item_table = pd.DataFrame({"item_id": np.asarray(items["item_id"], dtype=object),
                               "price": items["price"].to_numpy(dtype=float),
                               "category": np.asarray(cat.where(items["category"].notna(), "nan"), dtype=object)})
    return {"orders": frame, "items": item_table}


def build_features(orders: pd.DataFrame, items: pd.DataFrame, feedback: pd.DataFrame | None,
                   snapshot: pd.Timestamp | str, *, categories: Sequence[str] = (), late_days: int = 5,
                   scored: pd.DataFrame | None = None, contacts: pd.DataFrame | None = None,
                   engine=None) -> pd.DataFrame:  # noqa: ANN001 - data.engine.Engine
    """Return the feature table (index ``customer_id``, sorted) as of ``snapshot``, from events before it only.

    ``scored`` (optional) has one row per feedback message with ``customer_id``, ``created_at``, ``negative`` (bool)
    and ``severity`` (0 none, 1 mild, 2 moderate, 3 severe), e.g. from the feedback notebook's output.
    ``contacts`` (optional) is the ``service_contacts`` table (one row per conversation, ``opened_at``,
    ``resolved_at``, ``resolved``, ``satisfaction``). The order-line aggregation (``ORDER_FEATURES_SQL``) runs on
    ``engine`` (``data.engine.embedded()`` when None); recency and tenure are the fractional days from the last and
    first purchase to the snapshot, computed here from the exact times the engine returns.
    """
    from experiments.data.engine import embedded, exact_sum, from_micros, sql_literal, to_micros

    snap = utc_timestamp(snapshot)
    engine = engine or embedded()
    cat_sql = "".join(f",\n         {exact_sum(engine)}(CASE WHEN category = {sql_literal(str(c))} THEN amount "
                      f"ELSE 0.0 END) AS cat_{i}" for i, c in enumerate(categories))
    sql = ORDER_FEATURES_SQL.format(snap=int(to_micros(pd.Series([snap]))[0]), w=WINDOW * US_PER_DAY,
                                    late=int(late_days), sum=exact_sum(engine), categories=cat_sql)
    agg = engine.query(sql, _order_inputs(orders, items))
    like = orders["ordered_at"]
    last = pd.DatetimeIndex(from_micros(agg["last_t"], like))
    first = pd.DatetimeIndex(from_micros(agg["first_t"], like))
    out = pd.DataFrame(index=pd.Index(np.asarray(agg["c"], dtype=object), name="customer_id"))
    out["recency_days"] = np.asarray((snap - last) / DAY, dtype=float)
    out["tenure_days"] = np.asarray((snap - first) / DAY, dtype=float)
    for col in ("orders_total", "orders_last_90", "orders_prev_90"):
        out[col] = agg[col].to_numpy(np.int64)
    out["frequency_trend"] = np.log1p(out["orders_last_90"]) - np.log1p(out["orders_prev_90"])
    for col in ("spend_total", "spend_last_90", "spend_prev_90"):
        out[col] = agg[col].to_numpy(np.float64)
    out["monetary_trend"] = (np.log1p(out["spend_last_90"].clip(lower=0))
                             - np.log1p(out["spend_prev_90"].clip(lower=0)))
    out["avg_order_value"] = out["spend_total"] / out["orders_total"]
    out["discount_share"] = agg["n_discounted"].to_numpy(np.float64) / agg["n_lines"].to_numpy(np.float64)
    out["online_share"] = (agg["orders_shop"].to_numpy(np.int64) / out["orders_total"]).astype(float)
    if "delivery_days" in orders.columns:
        out["late_deliveries"] = agg["late_deliveries"].to_numpy(np.int64)
    out["returns"] = agg["returns"].to_numpy(np.int64)
    out["cancellations"] = agg["cancellations"].to_numpy(np.int64)
    for i, c in enumerate(categories):
        out[category_column(c)] = (agg[f"cat_{i}"].to_numpy(np.float64)
                                   / out["spend_total"].where(out["spend_total"] > 0)).fillna(0.0)
    out = out.sort_index()
    if feedback is not None:
        out = out.join(_feedback_features(feedback, snap, out.index, scored, engine))
    if contacts is not None:
        out = out.join(_contact_features(contacts, snap, out.index, engine))
    return out


FEEDBACK_FEATURES_SQL = """
SELECT c, COUNT(*) AS feedback_count, SUM(CASE WHEN rating <= 2 THEN 1 ELSE 0 END) AS low_rating_count,
       MAX(t) AS last_t
FROM feedback WHERE t < {snap} GROUP BY c ORDER BY c
"""
"""Feedback messages per customer before the snapshot: how many, how many rated 2 or lower, the latest one's time."""

SCORED_FEATURES_SQL = """
SELECT c, SUM(negative) AS negative_feedback, SUM(CASE WHEN severity >= 3 THEN 1 ELSE 0 END) AS severe_feedback
FROM scored WHERE t < {snap} GROUP BY c ORDER BY c
"""
"""Scored feedback messages per customer before the snapshot: negative ones and severe ones (severity 3)."""

CONTACT_FEATURES_SQL = """
WITH s AS (
  SELECT c, COALESCE(resolved_t < {snap}, FALSE) AND resolved = 1 AS done, satisfaction
  FROM contacts WHERE opened_t < {snap})
SELECT c, COUNT(*) AS service_contacts, SUM(CASE WHEN done THEN 0 ELSE 1 END) AS unresolved_contacts,
       SUM(CASE WHEN done AND satisfaction <= 2 THEN 1 ELSE 0 END) AS low_satisfaction_contacts
FROM s GROUP BY c ORDER BY c
"""
"""Service conversations per customer opened before the snapshot; one counts as resolved only when its resolution
happened before the snapshot too (and, with a ``resolved`` flag, the flag is set), and its rating only then."""


def _per_customer(engine, sql: str, tables: dict[str, pd.DataFrame],  # noqa: ANN001 - data.engine.Engine
                  snap: pd.Timestamp, idx: pd.Index) -> pd.DataFrame:
    """Run one per-customer aggregate (``sql`` with ``{snap}`` in epoch microseconds) and align it to ``idx``
    (customers without a row get missing values; the caller fills counts with 0)."""
    from experiments.data.engine import to_micros

    agg = engine.query(sql.format(snap=int(to_micros(pd.Series([snap]))[0])), tables)
    return agg.set_index(pd.Index(np.asarray(agg["c"], dtype=object), name=idx.name)).drop(columns="c").reindex(idx)


def _counts(agg: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: agg[c].fillna(0).to_numpy(np.int64) for c in cols}, index=agg.index)


def _contact_features(contacts: pd.DataFrame, snap: pd.Timestamp, idx: pd.Index,
                      engine) -> pd.DataFrame:  # noqa: ANN001 - data.engine.Engine
    """Service conversations opened before the snapshot (``CONTACT_FEATURES_SQL``); a resolution or a rating counts
    only when it happened before the snapshot too (a conversation still open at the snapshot is unresolved then)."""
    from experiments.data.engine import to_micros_or_null

    c = contacts.loc[contacts["customer_id"].notna()]
    resolved = (c["resolved"].astype("boolean").fillna(False).astype(bool) if "resolved" in c.columns
                else pd.Series(True, index=c.index))
    table = pd.DataFrame({"c": np.asarray(c["customer_id"].astype(str), dtype=object),
                          "opened_t": to_micros_or_null(c["opened_at"]),
                          "resolved_t": to_micros_or_null(c["resolved_at"]),
                          "resolved": resolved.to_numpy(dtype=np.int64),
                          "satisfaction": (pd.to_numeric(c["satisfaction"], errors="coerce").astype("float64")
                                           if "satisfaction" in c.columns else np.nan)})
    agg = _per_customer(engine, CONTACT_FEATURES_SQL, {"contacts": table}, snap, idx)
    cols = ["service_contacts", "unresolved_contacts"] + (["low_satisfaction_contacts"] if "satisfaction"
                                                          in c.columns else [])
    return _counts(agg, cols)


def _feedback_features(feedback: pd.DataFrame, snap: pd.Timestamp, idx: pd.Index, scored: pd.DataFrame | None,
                       engine) -> pd.DataFrame:  # noqa: ANN001 - data.engine.Engine
    """Feedback messages before the snapshot (``FEEDBACK_FEATURES_SQL``) and, with scored feedback, its negative and
    severe ones (``SCORED_FEATURES_SQL``); ``days_since_feedback`` is the fractional days from the latest message,
    computed here from the exact time the engine returns (missing for a customer without one)."""
    from experiments.data.engine import from_micros, to_micros_or_null

    fb = feedback.loc[feedback["customer_id"].notna()]
    table = pd.DataFrame({"c": np.asarray(fb["customer_id"].astype(str), dtype=object),
                          "t": to_micros_or_null(fb["created_at"]),
                          "rating": (pd.to_numeric(fb["rating"], errors="coerce").astype("float64")
                                     if "rating" in fb.columns else np.nan)})
    agg = _per_customer(engine, FEEDBACK_FEATURES_SQL, {"feedback": table}, snap, idx)
    out = _counts(agg, ["feedback_count"] + (["low_rating_count"] if "rating" in fb.columns else []))
    seen = agg["last_t"].notna().to_numpy()
    days = np.full(len(idx), np.nan)
    last = pd.DatetimeIndex(from_micros(agg["last_t"].to_numpy()[seen].astype("int64"), fb["created_at"]))
    days[seen] = np.asarray((snap - last) / DAY, dtype=float)
    out["days_since_feedback"] = days
    if scored is not None and len(scored):
        sc = scored.loc[scored["customer_id"].notna()]
        table = pd.DataFrame({"c": np.asarray(sc["customer_id"].astype(str), dtype=object),
                              "t": to_micros_or_null(sc["created_at"]),
                              "negative": sc["negative"].astype("int64").to_numpy(),
                              "severity": pd.to_numeric(sc["severity"]).astype("float64").to_numpy()})
        out = out.join(_counts(_per_customer(engine, SCORED_FEATURES_SQL, {"scored": table}, snap, idx),
                               ["negative_feedback", "severe_feedback"]))
    return out
