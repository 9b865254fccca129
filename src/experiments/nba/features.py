"""Customer features as of one date, from the company world's processed tables only (orders, items, feedback).

Everything is computed from rows dated strictly before ``as_of``, so the campaign's customers are described as they
were on the send date and the current customers as they are now. The same function serves both, so the model sees
the same definitions when it learns and when it decides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FEATURES = ("orders_before", "recency_days", "tenure_days", "spend_180d", "usual_spend_30d", "orders_90d",
            "late_deliveries", "returns", "negative_feedback", "discount_share", "mean_line_price")
LATE_DAYS = 5
"""A shop delivery taking more than this many days is late (the company's own service standard)."""


def as_of_features(orders: pd.DataFrame, items: pd.DataFrame, feedback: pd.DataFrame | None,
                   as_of: pd.Timestamp, customers: pd.Index | None = None) -> pd.DataFrame:
    """One row per customer (index ``customer_id``; ``customers`` or everyone who bought before ``as_of``)."""
    as_of = pd.Timestamp(as_of)
    as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of
    o = orders[(orders["ordered_at"] < as_of) & orders["customer_id"].notna()]
    buy = o[o["status"].eq("completed") & (o["quantity"] > 0)]
    per_order = buy.groupby(["customer_id", "order_id"]).agg(day=("ordered_at", "max"), amount=("amount", "sum"))
    g = per_order.groupby(level=0)
    days = lambda s: (as_of - s).dt.total_seconds() / 86400.0  # noqa: E731
    out = pd.DataFrame({"orders_before": g.size(), "recency_days": days(g["day"].max()),
                        "tenure_days": days(g["day"].min())})
    recent = per_order[per_order["day"] >= as_of - pd.Timedelta(days=180)]
    out["spend_180d"] = recent.groupby(level=0)["amount"].sum()
    out["usual_spend_30d"] = out["spend_180d"] / 6.0
    out["orders_90d"] = per_order[per_order["day"] >= as_of - pd.Timedelta(days=90)].groupby(level=0).size()
    shop = o[o["channel"].eq("shop") & ~o["status"].eq("cancelled")].drop_duplicates("order_id")
    out["late_deliveries"] = shop[pd.to_numeric(shop["delivery_days"], errors="coerce") > LATE_DAYS].groupby(
        "customer_id").size()
    out["returns"] = o[o["status"].eq("returned")].drop_duplicates("order_id").groupby("customer_id").size()
    if feedback is not None and len(feedback):
        fb = feedback[feedback["customer_id"].notna() & (feedback["created_at"] < as_of)]
        out["negative_feedback"] = fb[fb["sentiment"].eq("negative")].groupby("customer_id").size()
    list_price = items.set_index("item_id")["price"]
    lp = buy["item_id"].map(list_price).to_numpy(float)
    disc = pd.Series(buy["unit_price"].to_numpy(float) < lp - 1e-9, index=buy["customer_id"].to_numpy())
    out["discount_share"] = disc.groupby(level=0).mean()
    out["mean_line_price"] = buy.groupby("customer_id")["unit_price"].mean()
    out = out.reindex(columns=list(FEATURES))
    if customers is not None:
        out = out.reindex(customers)
        out["recency_days"] = out["recency_days"].fillna(9999.0)
    out = out.fillna({c: 0.0 for c in FEATURES if c not in ("recency_days", "mean_line_price")})
    out.index.name = "customer_id"
    return out.astype(float).replace([np.inf, -np.inf], np.nan)
