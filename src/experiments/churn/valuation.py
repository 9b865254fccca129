"""What keeping a company-world customer is worth: CLV from the segmentation notebook when present, else the spend
of the last 365 days."""

from __future__ import annotations

import pandas as pd

from experiments.churn.labels import purchases, utc_timestamp


def annual_spend(orders: pd.DataFrame, as_of: pd.Timestamp, customers: pd.Index) -> pd.Series:
    """Return each customer's completed purchase spend in the 365 days before ``as_of`` (0 when none)."""
    t = utc_timestamp(as_of)
    buy = purchases(orders, ["customer_id", "ordered_at", "amount"])
    recent = buy.loc[(buy["ordered_at"] < t) & (buy["ordered_at"] >= t - pd.Timedelta(days=365))]
    spend = recent["amount"].groupby(recent["customer_id"].astype(str)).sum()
    return spend.reindex(customers, fill_value=0.0).clip(lower=0.0).astype("float64")


def customer_value(orders: pd.DataFrame, segments: pd.DataFrame | None, as_of: pd.Timestamp,
                   customers: pd.Index) -> tuple[pd.Series, str]:
    """Return the value of keeping each customer: CLV from segments when present (missing CLV falls back to annual
    spend), else the spend of the last 365 days; and the name of the basis."""
    spend = annual_spend(orders, as_of, customers)
    if segments is not None and "clv" in segments.columns:
        clv = pd.to_numeric(segments.set_index("customer_id")["clv"], errors="coerce").reindex(customers)
        return clv.fillna(spend).clip(lower=0.0), "CLV (segmentation)"
    return spend, "spend in the last 365 days"
