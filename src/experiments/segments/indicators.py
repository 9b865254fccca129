"""Key indicators per segment: size, revenue share, CLV, purchase cycle, repeat rate, churn, interactions, channel.

Definitions (per segment of one view, over its customers):
- ``customers`` and ``share_customers``;
- ``revenue_share``: the segment's spend to date over all spend;
- ``clv_mean`` and ``clv_total`` (``holdout.lifetime_value``);
- ``purchase_cycle_days``: median over customers of their median days between purchases (repeat buyers only);
- ``repeat_rate``: share of buyers with at least two purchase days;
- ``churn_rate``: expected share no longer buying, the mean of 1 - P(alive) (BG/NBD) over buyers;
- ``interactions_per_month``: mean of (purchase days + service contacts) per month since the first purchase;
- ``channel``: the most common preferred channel and ``channel_share``, the share of customers preferring it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MONTH_DAYS = 365.25 / 12


def key(label: str) -> str:
    """A metrics-key fragment of ``label``: lower-cased, runs of other characters as ``_`` ("At risk" -> at_risk)."""
    return re.sub(r"[^a-z0-9]+", "_", str(label).lower()).strip("_")


def segment_indicators(t: pd.DataFrame, view: str, order: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Return one row per segment of ``view`` (a column of the segments table) with the indicators above."""
    buyer = t["n_purchases"] > 0
    months = np.maximum(t["tenure_days"].fillna(0) / MONTH_DAYS, 1.0)
    contacts = t["service_contacts"].fillna(0) if "service_contacts" in t.columns else 0.0
    frame = pd.DataFrame({
        "segment": t[view].astype("string").fillna("n/a"), "spend": t["total_spend"].fillna(0.0),
        "clv": t["clv"].fillna(0.0), "cycle": t["purchase_cycle_days"],
        "repeat": (t["n_purchases"] >= 2).where(buyer), "churn": (1 - t["p_alive"]).where(buyer),
        "interactions": ((t["n_purchases"].fillna(0) + contacts) / months).where(buyer),
        "channel": t["preferred_channel"] if "preferred_channel" in t.columns else pd.Series(pd.NA, index=t.index),
    })
    g = frame.groupby("segment", sort=False)
    out = pd.DataFrame({
        "customers": g.size(),
        "share_customers": g.size() / len(frame),
        "revenue_share": g["spend"].sum() / max(float(frame["spend"].sum()), 1e-9),
        "clv_mean": g["clv"].mean(),
        "clv_total": g["clv"].sum(),
        "purchase_cycle_days": g["cycle"].median(),
        "repeat_rate": g["repeat"].mean(),
        "churn_rate": g["churn"].mean(),
        "interactions_per_month": g["interactions"].mean(),
    })
    ch = frame.dropna(subset=["channel"])
    if len(ch):
        counts = ch.groupby(["segment", "channel"]).size().reset_index(name="n").sort_values(
            ["segment", "n", "channel"], ascending=[True, False, True])
        top = counts.drop_duplicates("segment").set_index("segment")
        out["channel"] = top["channel"]
        out["channel_share"] = top["n"] / g.size().reindex(top.index)
    if order is not None:
        out = out.reindex([o for o in order if o in out.index] + [i for i in out.index if i not in order])
    return out
