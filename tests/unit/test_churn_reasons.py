"""Reasons in words: phrases from the customer's own values, the top risk-raising contributions only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.churn import reasons


def test_phrases_and_top_reasons() -> None:
    X = pd.DataFrame({"recency_days": [94.0, 3.0], "tenure_days": [300.0, 30.0], "orders_total": [10, 1],
                      "orders_last_90": [0, 1], "orders_prev_90": [3, 0], "frequency_trend": [-1.39, 0.69],
                      "late_deliveries": [2, 0], "discount_share": [0.5, 0.0], "Contract": ["Month", None]},
                     index=pd.Index(["K1", "K2"], name="customer_id"))
    p = reasons.phrase_table(X)
    assert p.loc["K1", "recency_days"] == "no order for 94 days (usually every 30)"   # 300 days / 10 orders
    assert p.loc["K2", "recency_days"] == "no order for 3 days"                       # one order: no usual gap
    assert p.loc["K1", "frequency_trend"] == "0 orders in the last 90 days, against 3 in the 90 before"
    assert p.loc["K1", "discount_share"] == "50% of items bought on discount (price-sensitive)"
    assert p.loc["K2", "Contract"] == "Contract is missing"
    contrib = pd.DataFrame(0.0, index=X.index, columns=[*X.columns, "bias"])
    contrib.loc["K1", ["recency_days", "late_deliveries", "discount_share", "tenure_days"]] = [0.9, 0.5, -0.2, 0.1]
    contrib.loc["K2", "recency_days"] = -1.0                                          # nothing raises K2's risk
    r = reasons.reasons(contrib, X, top=3)
    assert r.loc["K1", "reasons"] == ("No order for 94 days (usually every 30); 2 late deliveries; "
                                      "customer for 10 months")
    assert r.loc["K1", "main_driver"] == "engagement"
    assert r.loc["K2", "reasons"] == "" and r.loc["K2", "main_driver"] == "none"
    contrib.loc["K1", "late_deliveries"] = 2.0
    assert reasons.reasons(contrib, X).loc["K1", "main_driver"] == "service"
    assert reasons.global_importance(contrib).index[0] == "late_deliveries"
    assert np.isclose(reasons.global_importance(contrib)["recency_days"], (0.9 + 1.0) / 2)
