"""Company-world churn features as of a snapshot, computed only from events strictly before it (no look-ahead).

One row per customer with a completed purchase before the snapshot (the population of ``labels.churn_labels``).
Every event table is cut at ``< snapshot`` first, then aggregated: the order lines on the data engine
(``experiments.data.engine``: DuckDB or Spark, one SQL statement), feedback and service contacts (one row per
message or conversation) with pandas group-bys. An order is one ``(channel, order_id)``; amounts are the signed
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
    buy = purchases(orders.loc[orders["ordered_at"] < utc_timestamp(snapshot)])
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
    dd) and ``items`` (item_id, price, category) tables; lines without a customer are left out (no one to score)."""
    from experiments.data.engine import to_micros

    raw = orders.loc[orders["customer_id"].notna()]
    frame = pd.DataFrame({
        "c": np.asarray(raw["customer_id"].astype(str), dtype=object),
        "ch": np.asarray(raw["channel"].astype(str), dtype=object),
        "oid": np.asarray(raw["order_id"].astype(str), dtype=object), "t": to_micros(raw["ordered_at"]),
        "status": np.asarray(raw["status"], dtype=object), "quantity": raw["quantity"].to_numpy(dtype=float),
        "amount": raw["amount"].to_numpy(dtype=float), "unit_price": raw["unit_price"].to_numpy(dtype=float),
        "item_id": np.asarray(raw["item_id"], dtype=object)})
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
        out = out.join(_feedback_features(feedback, snap, out.index, scored))
    if contacts is not None:
        out = out.join(_contact_features(contacts, snap, out.index))
    return out


def _contact_features(contacts: pd.DataFrame, snap: pd.Timestamp, idx: pd.Index) -> pd.DataFrame:
    """Service conversations opened before the snapshot; a resolution or a rating counts only when it happened
    before the snapshot too (a conversation still open at the snapshot is unresolved then)."""
    c = contacts.loc[(contacts["opened_at"] < snap) & contacts["customer_id"].notna()]
    who = c["customer_id"].astype(str)
    out = pd.DataFrame(index=idx)
    out["service_contacts"] = who.groupby(who).size().reindex(idx, fill_value=0).astype("int64")
    done = c["resolved_at"].notna() & (c["resolved_at"] < snap)
    if "resolved" in c.columns:
        done &= c["resolved"].astype("boolean").fillna(False).astype(bool)
    out["unresolved_contacts"] = (~done).astype("int64").groupby(who).sum().reindex(idx, fill_value=0)
    if "satisfaction" in c.columns:
        sat = pd.to_numeric(c["satisfaction"], errors="coerce").astype("float64").where(done)
        low = (sat <= 2).astype("int64")
        out["low_satisfaction_contacts"] = low.groupby(who).sum().reindex(idx, fill_value=0)
    return out


def _feedback_features(feedback: pd.DataFrame, snap: pd.Timestamp, idx: pd.Index,
                       scored: pd.DataFrame | None) -> pd.DataFrame:
    fb = feedback.loc[(feedback["created_at"] < snap) & feedback["customer_id"].notna()]
    who = fb["customer_id"].astype(str)
    out = pd.DataFrame(index=idx)
    out["feedback_count"] = who.groupby(who).size().reindex(idx, fill_value=0).astype("int64")
    if "rating" in fb.columns:
        low = (pd.to_numeric(fb["rating"], errors="coerce").astype("float64") <= 2).astype("int64")
        out["low_rating_count"] = low.groupby(who).sum().reindex(idx, fill_value=0).astype("int64")
    out["days_since_feedback"] = ((snap - fb["created_at"]) / DAY).groupby(who).min().reindex(idx)
    if scored is not None and len(scored):
        sc = scored.loc[(scored["created_at"] < snap) & scored["customer_id"].notna()]
        by = sc["customer_id"].astype(str)
        out["negative_feedback"] = sc["negative"].astype("int64").groupby(by).sum().reindex(idx, fill_value=0)
        out["severe_feedback"] = (sc["severity"] >= 3).astype("int64").groupby(by).sum().reindex(idx, fill_value=0)
    return out
