"""Why a customer is at risk: LightGBM's own SHAP values (``pred_contrib=True``) turned into plain sentences.

LightGBM computes exact TreeSHAP contributions (Lundberg et al. 2020) per row: one log-odds contribution per
feature plus the bias, summing to the raw score; the shap package's TreeExplainer gives the same numbers for a
LightGBM model, so we do not depend on it. Global importance is the mean absolute contribution. A customer's
reasons are the features pushing their risk up most (positive contributions), each written as a phrase from the
customer's own values ("no order for 94 days (usually every 30)"). Phrases are built column by column (vectorised),
then the top ones picked per row.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd

from experiments.churn.models import lgb_frame
from experiments.common.driver_rule import ENGAGEMENT, PRICE, SERVICE, driver_group


def contributions(model: lgb.LGBMClassifier, X: pd.DataFrame) -> pd.DataFrame:
    """Return the SHAP contributions (log-odds) of every feature for every row of ``X``, plus ``bias``."""
    values = np.asarray(model.predict(lgb_frame(X), pred_contrib=True))
    return pd.DataFrame(values, index=X.index, columns=[*X.columns, "bias"])


def global_importance(contrib: pd.DataFrame) -> pd.Series:
    """Return mean |SHAP| per feature (log-odds), largest first."""
    return contrib.drop(columns="bias").abs().mean().sort_values(ascending=False, kind="stable")


def _n(s: pd.Series) -> pd.Series:
    return s.round(0).astype("Int64").astype(str)


def _pct(s: pd.Series) -> pd.Series:
    return (s * 100).round(0).astype("Int64").astype(str) + "%"


def phrase_table(X: pd.DataFrame) -> pd.DataFrame:
    """Return one phrase per customer and feature describing that feature's value in words."""
    out = pd.DataFrame(index=X.index)
    for col in X.columns:
        s = X[col]
        if col == "recency_days":
            usual = (X["tenure_days"] / X["orders_total"]) if {"tenure_days", "orders_total"} <= set(X) else None
            text = "no order for " + _n(s) + " days"
            if usual is not None:
                text = text + np.where(X["orders_total"] > 1, " (usually every " + _n(usual.clip(lower=1)) + ")", "")
            out[col] = text
        elif col in ("frequency_trend", "orders_last_90") and {"orders_last_90", "orders_prev_90"} <= set(X):
            out[col] = (_n(X["orders_last_90"]) + " orders in the last 90 days, against "
                        + _n(X["orders_prev_90"]) + " in the 90 before")
        elif col in ("monetary_trend", "spend_last_90") and {"spend_last_90", "spend_prev_90"} <= set(X):
            out[col] = ("spent " + _n(X["spend_last_90"]) + " in the last 90 days, against "
                        + _n(X["spend_prev_90"]) + " before")
        elif col == "orders_total":
            out[col] = _n(s) + " orders in total"
        elif col == "tenure_days":
            out[col] = "customer for " + _n(s / 30.4) + " months"
        elif col == "late_deliveries":
            out[col] = _n(s) + " late deliveries"
        elif col == "returns":
            out[col] = _n(s) + " returns"
        elif col == "cancellations":
            out[col] = _n(s) + " cancelled orders"
        elif col == "discount_share":
            out[col] = _pct(s) + " of items bought on discount (price-sensitive)"
        elif col == "feedback_count":
            out[col] = _n(s) + " feedback messages"
        elif col == "service_contacts":
            out[col] = _n(s) + " service conversations"
        elif col == "unresolved_contacts":
            out[col] = _n(s) + " unresolved service conversations"
        elif col == "low_satisfaction_contacts":
            out[col] = _n(s) + " service conversations rated 1-2"
        elif col == "low_rating_count":
            out[col] = _n(s) + " ratings of 1-2 stars"
        elif col == "negative_feedback":
            out[col] = _n(s) + " negative messages"
        elif col == "severe_feedback":
            out[col] = _n(s) + " severe complaints"
        elif col == "days_since_feedback":
            out[col] = ("last feedback " + _n(s) + " days ago").where(s.notna(), "never gave feedback")
        elif col == "avg_order_value":
            out[col] = "average order " + _n(s)
        elif col == "online_share":
            out[col] = _pct(s) + " of orders online"
        elif col.startswith("cat_share_"):
            out[col] = _pct(s) + " of spend on " + col.removeprefix("cat_share_").replace("_", " ")
        else:
            if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
                value = s.astype(float).round(2).map("{:g}".format).where(s.notna(), "missing")
            else:
                value = s.astype(object).where(s.notna(), "missing").astype(str)
            out[col] = col + " is " + value
    return out.fillna("")


def reasons(contrib: pd.DataFrame, X: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Return per customer the ``top`` features raising their risk (positive SHAP only), as ``reason_1`` ...,
    ``reasons`` (one sentence), ``main_feature`` (the first reason's feature, empty if none) and ``main_driver``
    (its driver family, ``none`` if none)."""
    c = contrib.drop(columns="bias").loc[X.index]
    phrases = phrase_table(X)[c.columns].to_numpy(dtype=object)
    vals = c.to_numpy()
    order = np.argsort(-vals, axis=1, kind="stable")[:, :top]
    picked_vals = np.take_along_axis(vals, order, axis=1)
    picked = np.take_along_axis(phrases, order, axis=1)
    picked = np.where(picked_vals > 0, picked, "")
    out = pd.DataFrame(picked, index=X.index, columns=[f"reason_{i + 1}" for i in range(picked.shape[1])])
    sentence = out.iloc[:, 0].astype(str) if out.shape[1] else pd.Series("", index=X.index)
    for col in out.columns[1:]:
        sentence = sentence + np.where(out[col] != "", "; " + out[col].astype(str), "")
    out["reasons"] = sentence.str[:1].str.upper() + sentence.str[1:]
    first = np.asarray(c.columns)[order[:, 0]] if len(c.columns) else np.array([])
    groups = pd.Series(first, index=X.index).map(driver_group)
    out["main_driver"] = groups.where(picked_vals[:, 0] > 0, "none")
    out["main_feature"] = pd.Series(first, index=X.index).where(picked_vals[:, 0] > 0, "")
    return out


__all__ = ["ENGAGEMENT", "PRICE", "SERVICE", "contributions", "driver_group", "global_importance", "phrase_table",
           "reasons"]
