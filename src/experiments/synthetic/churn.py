"""The planted churn model: a logistic hazard on drivers observable in the raw data before ``REFERENCE_DATE``.

Population: persons with at least one completed purchase (shop ``completed`` or POS ``sale``) before the reference
date. Drivers, all computed from raw-visible facts dated before the reference date:

- ``recency_days``: reference date minus the day of the last completed purchase;
- ``orders_last_90`` / ``orders_prev_90``: completed purchases in the 90 days before, and the 90 days before that;
  ``frequency_trend`` = log1p(last) - log1p(prev) (negative when buying less);
- ``late_deliveries``: shop orders (not cancelled) with ``delivery_days > 5``;
- ``returns``: shop orders with status ``returned`` plus POS ``return`` transactions;
- ``negative_feedback``: feedback rows with a non-empty ``author_ref`` and negative sentiment;
- ``discount_share``: share of completed purchase lines whose ``unit_price`` is below the item's list price;
- ``orders_before``: completed purchases before the reference date.

``churn_probability = sigmoid(INTERCEPT + sum(COEF[d] * transform(d)))``; ``churned`` is a Bernoulli draw from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.synthetic.behaviour import REF_DAY
from experiments.synthetic.purchases import CANCELLED, LATE_DAYS, RETURN, RETURNED, SHOP, purchase_mask

INTERCEPT = -2.6
COEF = {
    "log1p_recency_months": 1.25,
    "frequency_trend": -0.7,
    "late_deliveries": 0.45,
    "returns": 0.5,
    "negative_feedback": 0.8,
    "discount_share": 2.2,
    "log1p_orders_before": -0.45,
}
"""Logit coefficients; each key names the transformed driver it multiplies."""


def churn_drivers(orders: pd.DataFrame, lines: pd.DataFrame, list_price: np.ndarray,
                  feedback: pd.DataFrame, as_of_day: int = REF_DAY) -> pd.DataFrame:
    """Return one row per person of the churn population with every driver's raw value (index: person row); the
    drivers are as of ``as_of_day`` (the reference day; the campaign uses its send day)."""
    pre = orders[(orders["day"].to_numpy() < as_of_day) & (orders["person"].to_numpy() >= 0)]
    buy = pre[purchase_mask(pre)]
    g = buy.groupby("person")["day"]
    out = pd.DataFrame({"last_day": g.max(), "orders_before": g.size()})
    out["recency_days"] = as_of_day - out["last_day"]
    days = buy["day"].to_numpy()
    for name, lo, hi in (("orders_last_90", as_of_day - 90, as_of_day),
                         ("orders_prev_90", as_of_day - 180, as_of_day - 90)):
        sel = buy[(days >= lo) & (days < hi)]
        out[name] = sel.groupby("person").size().reindex(out.index, fill_value=0)
    ch, st = pre["channel"].to_numpy(), pre["status"].to_numpy()
    late = pre[(ch == SHOP) & (st != CANCELLED) & (pre["delivery_days"].to_numpy() > LATE_DAYS)]
    out["late_deliveries"] = late.groupby("person").size().reindex(out.index, fill_value=0)
    ret = pre[((ch == SHOP) & (st == RETURNED)) | ((ch != SHOP) & (st == RETURN))]
    out["returns"] = ret.groupby("person").size().reindex(out.index, fill_value=0)
    fb = feedback[(feedback["person"] >= 0) & (feedback["author_record"] >= 0)
                  & (feedback["sentiment"] == "negative") & (feedback["day"] < as_of_day)]
    out["negative_feedback"] = fb.groupby("person").size().reindex(out.index, fill_value=0)
    bl = lines[lines["key"].isin(buy["key"])]
    person_of = buy.set_index("key")["person"]
    disc = pd.Series(bl["unit_price"].to_numpy() < list_price[bl["item"].to_numpy()] - 1e-9,
                     index=person_of.loc[bl["key"].to_numpy()].to_numpy())
    out["discount_share"] = disc.groupby(level=0).mean().reindex(out.index, fill_value=0.0).round(4)
    out["frequency_trend"] = (np.log1p(out["orders_last_90"]) - np.log1p(out["orders_prev_90"])).round(6)
    out.index.name = "person"
    return out.drop(columns="last_day").sort_index()


def churn_probability(drivers: pd.DataFrame) -> np.ndarray:
    """The true churn probability of each row of ``drivers`` (the logistic hazard with ``COEF``)."""
    x = {
        "log1p_recency_months": np.log1p(drivers["recency_days"].to_numpy() / 30.0),
        "frequency_trend": drivers["frequency_trend"].to_numpy(),
        "late_deliveries": np.minimum(drivers["late_deliveries"].to_numpy(), 5),
        "returns": np.minimum(drivers["returns"].to_numpy(), 5),
        "negative_feedback": np.minimum(drivers["negative_feedback"].to_numpy(), 5),
        "discount_share": drivers["discount_share"].to_numpy(),
        "log1p_orders_before": np.log1p(drivers["orders_before"].to_numpy()),
    }
    logit = INTERCEPT + sum(COEF[k] * v for k, v in x.items())
    return 1.0 / (1.0 + np.exp(-logit))


def draw_churn(drivers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Return ``drivers`` with churn_probability and churned (0/1, a Bernoulli draw) added."""
    out = drivers.copy()
    out["churn_probability"] = churn_probability(drivers).round(6)
    out["churned"] = (rng.random(len(out)) < out["churn_probability"].to_numpy()).astype(np.int64)
    return out
