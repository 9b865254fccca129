"""04's order lines cross into the engine with their text as Arrow strings (a third of the memory of Python string
objects: the copy of 10 million order lines at size xlarge), and a missing status stays a SQL null."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.churn import features
from experiments.data.engine import embedded


def _orders() -> tuple[pd.DataFrame, pd.DataFrame]:
    t = pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-01", "2025-02-10"], utc=True)
    orders = pd.DataFrame({
        "customer_id": pd.array(["c1", "c1", "c2", None], dtype="str"),
        "channel": pd.array(["shop", "store", "shop", "shop"], dtype="str"),
        "order_id": pd.array(["o1", "o2", "o3", "o4"], dtype="str"), "ordered_at": t,
        "status": pd.array(["completed", None, "completed", "completed"], dtype="str"),
        "quantity": [1, 1, 2, 1], "amount": [10.0, 5.0, 8.0, 3.0], "unit_price": [10.0, 5.0, 4.0, 3.0],
        "item_id": pd.array(["i1", "i2", "i1", "i1"], dtype="str"), "delivery_days": [1, 9, 2, 1]})
    items = pd.DataFrame({"item_id": ["i1", "i2"], "price": [10.0, 5.0], "category": ["a", "b"]})
    return orders, items


def test_text_crosses_as_arrow_strings_and_a_missing_status_as_null():
    orders, items = _orders()
    table = features._order_inputs(orders, items)["orders"]
    assert len(table) == 3  # the line without a customer is left out
    for col in ("c", "ch", "oid", "status", "item_id"):
        assert isinstance(table[col].array, pd.arrays.ArrowStringArray), col
    assert table["status"].isna().tolist() == [False, True, False]
    np.testing.assert_array_equal(table["amount"].to_numpy(), [10.0, 5.0, 8.0])


def test_a_line_without_status_is_no_purchase_but_can_be_late():
    orders, items = _orders()
    out = features.build_features(orders, items, None, "2025-03-01", late_days=5, engine=embedded())
    assert out.index.tolist() == ["c1", "c2"]
    assert out.loc["c1", "orders_total"] == 1 and out.loc["c1", "spend_total"] == 10.0  # o2 has no status
    assert out.loc["c1", "late_deliveries"] == 1  # o2: 9 days, not cancelled
    assert out.loc["c1", "cancellations"] == 0 and out.loc["c1", "returns"] == 0
