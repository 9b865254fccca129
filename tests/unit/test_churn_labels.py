"""Churn labels and snapshot dates on hand-made orders (answers worked out in the comments)."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.churn import labels
from experiments.common.errors import DataInputError


def _orders(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [r[0] for r in rows], "ordered_at": pd.to_datetime([r[1] for r in rows], utc=True),
        "status": [r[2] for r in rows], "quantity": [r[3] for r in rows],
        "order_id": [f"O{i}" for i in range(len(rows))], "channel": "shop"})


ROWS = [
    ("A", "2025-02-01", "completed", 1), ("A", "2025-03-10", "completed", 2),   # bought in the window: stays
    ("B", "2025-02-15", "completed", 1),   # nothing after: churned
    ("C", "2025-02-20", "completed", 1), ("C", "2025-03-05", "returned", -1),    # a return is no purchase: churned
    ("D", "2025-03-02", "completed", 1),   # first bought after: not in population
    ("E", "2025-01-01", "completed", 1), ("E", "2025-03-03", "cancelled", 1),    # cancelled order: churned
    ("E", "2025-04-05", "completed", 1),   # after the 30-day window: still churned
    ("F", "2025-03-01", "completed", 1),   # at the snapshot: in the window, not before
]


def test_labels_by_hand() -> None:
    # snapshot 2025-03-01, window [03-01, 03-31): A stays; B, C, E churned; D and F bought first on/after the snapshot
    out = labels.churn_labels(_orders(ROWS), pd.Timestamp("2025-03-01", tz="UTC"), 30)
    assert out.to_dict("list") == {"customer_id": ["A", "B", "C", "E"], "churned": [0, 1, 1, 1]}


def test_window_beyond_the_data_is_an_error() -> None:
    with pytest.raises(DataInputError, match="label window .* ends after the last order"):
        labels.churn_labels(_orders(ROWS), pd.Timestamp("2025-03-20", tz="UTC"), 30)
    with pytest.raises(ValueError, match="label_days"):
        labels.churn_labels(_orders(ROWS), pd.Timestamp("2025-03-01", tz="UTC"), 0)


def test_nobody_before_the_snapshot_is_an_error() -> None:
    with pytest.raises(DataInputError, match="no completed purchase before"):
        labels.churn_labels(_orders(ROWS), pd.Timestamp("2024-12-01", tz="UTC"), 30)


def test_snapshot_resolution() -> None:
    orders = _orders(ROWS)
    assert labels.resolve_snapshot("2025-02-01", 30, orders) == pd.Timestamp("2025-02-01", tz="UTC")
    # not given: last order day 2025-04-05 minus 30 days (the world-size profiles give the generated world's dates)
    assert labels.resolve_snapshot("", 30, orders) == pd.Timestamp("2025-03-06", tz="UTC")
    assert labels.resolve_score_date("", orders) == pd.Timestamp("2025-04-06", tz="UTC")
    assert labels.resolve_score_date("2025-05-01", orders) == pd.Timestamp("2025-05-01", tz="UTC")
