"""Company-world churn features as of a snapshot, computed only from events strictly before it (no look-ahead).

One row per customer with a completed purchase before the snapshot (the population of ``labels.churn_labels``).
Every event table is cut at ``< snapshot`` first, then aggregated with vectorised pandas group-bys (no loop per
customer). An order is one ``(channel, order_id)``; amounts are the signed line amounts of completed purchases.

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


def _count_orders(df: pd.DataFrame, index: np.ndarray) -> pd.Series:
    """Distinct orders (``o``) per customer code (``c``) of ``df``, on ``index`` with 0 for none."""
    return df.drop_duplicates(["c", "o"])["c"].value_counts().reindex(index, fill_value=0).astype("int64")


def _sum(values: pd.Series, by: pd.Series, index: np.ndarray) -> pd.Series:
    return values.groupby(by).sum().reindex(index, fill_value=0.0).astype("float64")


def build_features(orders: pd.DataFrame, items: pd.DataFrame, feedback: pd.DataFrame | None,
                   snapshot: pd.Timestamp | str, *, categories: Sequence[str] = (), late_days: int = 5,
                   scored: pd.DataFrame | None = None, contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the feature table (index ``customer_id``, sorted) as of ``snapshot``, from events before it only.

    ``scored`` (optional) has one row per feedback message with ``customer_id``, ``created_at``, ``negative`` (bool)
    and ``severity`` (0 none, 1 mild, 2 moderate, 3 severe), e.g. from the feedback notebook's output.
    ``contacts`` (optional) is the ``service_contacts`` table (one row per conversation, ``opened_at``,
    ``resolved_at``, ``resolved``, ``satisfaction``). Customers and orders are factorised to integer codes once,
    so every group-by runs on integers (string keys cost seconds per group-by at a million lines).
    """
    snap = utc_timestamp(snapshot)
    raw = orders.loc[(orders["ordered_at"] < snap) & orders["customer_id"].notna()]
    codes, names = pd.factorize(raw["customer_id"].astype(str), sort=True)
    before = pd.DataFrame({
        "c": codes, "o": raw.groupby(["channel", "order_id"], sort=False).ngroup().to_numpy(),
        "ordered_at": raw["ordered_at"].to_numpy(), "status": raw["status"].to_numpy(),
        "quantity": raw["quantity"].to_numpy(), "amount": raw["amount"].to_numpy(dtype=float),
        "unit_price": raw["unit_price"].to_numpy(dtype=float), "item_id": raw["item_id"].to_numpy(),
        "channel": raw["channel"].to_numpy()})
    if "delivery_days" in raw.columns:
        before["delivery_days"] = pd.to_numeric(raw["delivery_days"], errors="coerce").astype(float).to_numpy()
    buy = before.loc[(before["status"] == "completed") & (before["quantity"] > 0)]
    idx = np.unique(buy["c"].to_numpy())
    cust = buy["c"]
    age = pd.Series((snap - pd.DatetimeIndex(buy["ordered_at"])) / DAY, index=buy.index)
    out = pd.DataFrame(index=idx)
    out["recency_days"] = age.groupby(cust).min().reindex(idx)
    out["tenure_days"] = age.groupby(cust).max().reindex(idx)
    out["orders_total"] = _count_orders(buy, idx)
    recent, prev = buy.loc[age < WINDOW], buy.loc[(age >= WINDOW) & (age < 2 * WINDOW)]
    out["orders_last_90"] = _count_orders(recent, idx)
    out["orders_prev_90"] = _count_orders(prev, idx)
    out["frequency_trend"] = np.log1p(out["orders_last_90"]) - np.log1p(out["orders_prev_90"])
    out["spend_total"] = _sum(buy["amount"], cust, idx)
    out["spend_last_90"] = _sum(recent["amount"], recent["c"], idx)
    out["spend_prev_90"] = _sum(prev["amount"], prev["c"], idx)
    out["monetary_trend"] = (np.log1p(out["spend_last_90"].clip(lower=0))
                             - np.log1p(out["spend_prev_90"].clip(lower=0)))
    out["avg_order_value"] = out["spend_total"] / out["orders_total"]
    list_price = buy["item_id"].map(items.set_index("item_id")["price"])
    discounted = (buy["unit_price"] < list_price - 1e-9).astype("float64")
    out["discount_share"] = discounted.groupby(cust).mean().reindex(idx)
    out["online_share"] = (_count_orders(buy.loc[buy["channel"] == "shop"], idx) / out["orders_total"]).astype(float)
    if "delivery_days" in before.columns:
        live = before.loc[before["status"] != "cancelled"]
        out["late_deliveries"] = _count_orders(live.loc[live["delivery_days"].fillna(-1) > late_days], idx)
    out["returns"] = _count_orders(before.loc[before["status"] == "returned"], idx)
    out["cancellations"] = _count_orders(before.loc[before["status"] == "cancelled"], idx)
    if categories:
        cat = buy["item_id"].map(items.set_index("item_id")["category"]).astype(str)
        for c in categories:
            mine = buy["amount"].where(cat == c, 0.0)
            out[category_column(c)] = (_sum(mine, cust, idx) / out["spend_total"].where(out["spend_total"] > 0)
                                       ).fillna(0.0)
    out.index = pd.Index(np.asarray(names, dtype=object)[idx], name="customer_id")
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
