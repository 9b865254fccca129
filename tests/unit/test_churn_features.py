"""Churn features: values worked out by hand, and the look-ahead test (events after the snapshot change nothing)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.churn import features, labels, sources

SNAP = pd.Timestamp("2025-04-01", tz="UTC")


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows = [  # customer, date, order, status, qty, unit price, item, channel, delivery days
        ("A", "2025-03-22", "S1", "completed", 1, 8.0, "I1", "shop", 7),      # 10 days before; discounted; late
        ("A", "2025-03-22", "S1", "completed", 2, 5.0, "I2", "shop", 7),      # same order, second line
        ("A", "2024-12-22", "S2", "completed", 1, 10.0, "I1", "shop", 2),     # 100 days before: previous window
        ("A", "2024-12-01", "S3", "returned", 1, 10.0, "I1", "shop", 3),      # a return (not a purchase)
        ("B", "2025-01-01", "P1", "completed", 3, 5.0, "I2", "pos", None),    # 90 days before: previous window
        ("B", "2025-02-01", "S4", "cancelled", 1, 10.0, "I1", "shop", 9),     # cancelled: not late, not bought
        ("B", "2025-05-01", "S5", "completed", 1, 10.0, "I1", "shop", 9),     # after the snapshot: ignored
    ]
    orders = pd.DataFrame(rows, columns=["customer_id", "ordered_at", "order_id", "status", "quantity",
                                         "unit_price", "item_id", "channel", "delivery_days"])
    orders["ordered_at"] = pd.to_datetime(orders["ordered_at"], utc=True)
    orders["amount"] = orders["quantity"] * orders["unit_price"]
    orders.loc[orders["status"] == "returned", "amount"] *= -1
    items = pd.DataFrame({"item_id": ["I1", "I2"], "category": ["tea", "snacks"], "price": [10.0, 5.0]})
    feedback = pd.DataFrame({"customer_id": ["A", "A", "B", None],
                             "created_at": pd.to_datetime(["2025-03-30", "2025-04-02", "2025-01-10",
                                                           "2025-03-01"], utc=True),
                             "rating": pd.array([1, 1, 4, 1], dtype="Int64")})
    return orders, items, feedback


def test_features_by_hand() -> None:
    orders, items, feedback = _frames()
    f = features.build_features(orders, items, feedback, SNAP, categories=["tea", "snacks"], late_days=5)
    assert list(f.index) == ["A", "B"]
    a, b = f.loc["A"], f.loc["B"]
    assert a["recency_days"] == 10 and a["tenure_days"] == 100          # 2025-03-22 and 2024-12-22
    assert a["orders_total"] == 2 and a["orders_last_90"] == 1 and a["orders_prev_90"] == 1
    assert a["frequency_trend"] == pytest.approx(0.0)
    assert a["spend_last_90"] == 18.0 and a["spend_prev_90"] == 10.0    # 8 + 2*5; 10
    assert a["monetary_trend"] == pytest.approx(np.log1p(18) - np.log1p(10))
    assert a["discount_share"] == pytest.approx(1 / 3)                  # 1 of 3 purchase lines below list price
    assert a["late_deliveries"] == 1 and a["returns"] == 1              # S1 (7 > 5 days) and S3
    assert a["cat_share_tea"] == pytest.approx(18 / 28)                 # tea 8 + 10 of 28 spent
    assert a["feedback_count"] == 1 and a["low_rating_count"] == 1      # the 2025-04-02 message is after
    assert a["days_since_feedback"] == 2
    assert b["recency_days"] == 90 and b["orders_last_90"] == 0 and b["orders_prev_90"] == 1  # 90 days: prev window
    assert b["frequency_trend"] == pytest.approx(-np.log(2))
    assert b["late_deliveries"] == 0 and b["cancellations"] == 1 and b["online_share"] == 0.0
    assert b["low_rating_count"] == 0 and b["feedback_count"] == 1


def _shift_contacts(contacts: pd.DataFrame, snap: pd.Timestamp) -> pd.DataFrame:
    """Service conversations: later openings move, and so does every resolution (and its rating) after the snapshot,
    including conversations opened before it and resolved after."""
    c = contacts.copy()
    opened, resolved = c["opened_at"] >= snap, c["resolved_at"] >= snap
    c.loc[opened, "opened_at"] = c.loc[opened, "opened_at"] + pd.Timedelta(days=21)
    c.loc[resolved, "resolved_at"] = c.loc[resolved, "resolved_at"] + pd.Timedelta(days=21)
    c.loc[resolved, "satisfaction"] = 1
    c.loc[resolved, "resolved"] = ~c.loc[resolved, "resolved"].astype(bool)
    return c


def _shift_future(orders: pd.DataFrame, feedback: pd.DataFrame, snap: pd.Timestamp):
    """Rewrite every event at or after the snapshot: later dates, other amounts, statuses, delays and ratings."""
    o, fb = orders.copy(), feedback.copy()
    late = o["ordered_at"] >= snap
    o.loc[late, "ordered_at"] = o.loc[late, "ordered_at"] + pd.Timedelta(days=37)
    o.loc[late, "amount"] = o.loc[late, "amount"] * 3 + 1
    o.loc[late, "unit_price"] = o.loc[late, "unit_price"] * 0.5
    o.loc[late, "status"] = "returned"
    if "delivery_days" in o:
        o.loc[late, "delivery_days"] = 30
    extra = o.loc[late].head(50).assign(order_id=lambda d: "NEW" + d["order_id"].astype(str),
                                        status="completed")
    fb_late = fb["created_at"] >= snap
    fb.loc[fb_late, "created_at"] = fb.loc[fb_late, "created_at"] + pd.Timedelta(days=11)
    fb.loc[fb_late, "rating"] = 1
    return pd.concat([o, extra], ignore_index=True), fb


def test_no_look_ahead_on_the_tiny_world(tiny_world) -> None:
    inp = sources.load_company(tiny_world / "processed")
    snap = labels.resolve_snapshot("2025-03-31", 90, inp.orders)  # the tiny world's reference date
    assert (inp.orders["ordered_at"] >= snap).sum() > 100       # the test has future events to shift
    cats = features.top_categories(inp.orders, inp.items, snap)
    contacts = inp.contacts
    assert contacts is not None and (contacts["opened_at"] >= snap).sum() > 20   # the service log is tested too
    before = features.build_features(inp.orders, inp.items, inp.feedback, snap, categories=cats, contacts=contacts)
    assert {"service_contacts", "unresolved_contacts", "low_satisfaction_contacts"} <= set(before.columns)
    o2, fb2 = _shift_future(inp.orders, inp.feedback, snap)
    assert features.top_categories(o2, inp.items, snap) == cats
    after = features.build_features(o2, inp.items, fb2, snap, categories=cats,
                                    contacts=_shift_contacts(contacts, snap))
    pd.testing.assert_frame_equal(before, after)
    # the same edit three days before the snapshot does change the features (the check can fail)
    early = snap - pd.Timedelta(days=3)
    o3, fb3 = _shift_future(inp.orders, inp.feedback, early)
    changed = features.build_features(o3, inp.items, fb3, snap, categories=cats,
                                      contacts=_shift_contacts(contacts, early))
    for col in ("recency_days", "feedback_count", "service_contacts"):
        assert not before[col].equals(changed[col].reindex(before.index)), col


def test_service_contact_features_by_hand() -> None:
    orders, items, feedback = _frames()
    t = pd.to_datetime
    contacts = pd.DataFrame({
        "customer_id": ["A", "A", "A", "B"],
        "opened_at": t(["2025-03-01 00:00", "2025-03-31 20:00", "2025-04-03 00:00", "2025-02-01 00:00"], utc=True),
        "resolved_at": t(["2025-03-01 01:00", "2025-04-01 02:00", "2025-04-03 01:00", None], utc=True),
        "resolved": [True, True, True, False], "satisfaction": pd.array([1, 1, 5, None], dtype="Int64")})
    f = features.build_features(orders, items, feedback, SNAP, contacts=contacts)
    # A: two opened before 04-01; the second was still open at the snapshot (unresolved then, rating unknown)
    assert f.loc["A", ["service_contacts", "unresolved_contacts", "low_satisfaction_contacts"]].tolist() == [2, 1, 1]
    assert f.loc["B", ["service_contacts", "unresolved_contacts", "low_satisfaction_contacts"]].tolist() == [1, 1, 0]


def test_scored_feedback_counts_only_before_the_snapshot() -> None:
    orders, items, feedback = _frames()
    fb = feedback.assign(feedback_id=["F1", "F2", "F3", "F4"])
    scored_out = pd.DataFrame({"feedback_id": ["F1", "F2", "F3"], "sentiment": ["negative", "negative", "positive"],
                               "severity": ["severe", "mild", "none"]})
    scored, note = sources.scored_feedback(fb, scored_out, None)
    assert "sentiment" in note
    f = features.build_features(orders, items, fb, SNAP, scored=scored)
    assert f.loc["A", "negative_feedback"] == 1 and f.loc["A", "severe_feedback"] == 1  # F2 is after the snapshot
    assert f.loc["B", "negative_feedback"] == 0
    none, note = sources.scored_feedback(fb, None, None)
    assert none is None and "skipped" in note
