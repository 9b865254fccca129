"""04's label and value steps copy only the columns of the purchase lines they use (``labels.purchases(orders,
columns)``), not every column of 10 million order lines; the rows are the same purchase lines."""

from __future__ import annotations

import pandas as pd

from experiments.churn import labels, valuation


def _orders() -> pd.DataFrame:
    t = pd.to_datetime(["2025-01-05", "2025-02-20", "2025-03-01", "2025-04-10", "2025-04-11"], utc=True)
    return pd.DataFrame({"customer_id": pd.array(["a", "a", "b", None, "b"], dtype="str"),
                         "status": ["completed", "returned", "completed", "completed", "completed"],
                         "quantity": [1, 1, 2, 1, -1], "amount": [10.0, 5.0, 8.0, 3.0, -8.0], "ordered_at": t,
                         "store_city": ["x", "y", "z", "w", "v"]})


def test_purchases_with_columns_are_the_same_lines_with_fewer_columns():
    orders = _orders()
    whole = labels.purchases(orders)
    few = labels.purchases(orders, ["customer_id", "amount"])
    assert list(few.columns) == ["customer_id", "amount"]
    pd.testing.assert_frame_equal(few, whole[["customer_id", "amount"]])
    assert whole.index.tolist() == [0, 2]  # completed, positive quantity, with a customer


def test_labels_and_annual_spend_from_the_pruned_purchases():
    orders = _orders()
    y = labels.churn_labels(orders, pd.Timestamp("2025-02-01", tz="UTC"), 60)
    assert y.to_dict("list") == {"customer_id": ["a"], "churned": [1]}  # a's Feb line is a return
    spend = valuation.annual_spend(orders, pd.Timestamp("2025-04-12", tz="UTC"), pd.Index(["a", "b", "c"]))
    assert spend.to_dict() == {"a": 10.0, "b": 8.0, "c": 0.0}  # b's -1 line is no purchase
