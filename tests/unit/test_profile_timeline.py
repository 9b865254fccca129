"""08 timeline and cards on hand-made published tables: every event kind, sorted, masked; the ads block computed
when ad events carry a customer_id; cards from the care queue and the retention list in turn, then card_ids."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments import profile
from experiments.data.contracts import ContractError, validate
from experiments.lab.config import notebook_parameters


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    d = tmp_path_factory.mktemp("tl")
    tables = {
        "customers": pd.DataFrame({"customer_id": ["A", "B", "C"], "email": ["a@x.com", None, "c@x.com"]}),
        "orders": pd.DataFrame({"order_id": ["o1", "o1", "o2", "o3"], "line_no": [1, 2, 1, 1],
                                "customer_id": ["A", "A", "A", None], "item_id": "I", "quantity": [1, 1, -1, 1],
                                "unit_price": 10.0, "amount": [10.0, 5.0, -10.0, 3.0],
                                "ordered_at": ["2025-01-02T10:00:00Z", "2025-01-02T10:00:00Z",
                                               "2025-02-01T10:00:00Z", "2025-01-01T00:00:00Z"],
                                "channel": "shop", "status": ["completed", "completed", "returned", "completed"]}),
        "service_contacts": pd.DataFrame({"conversation_id": ["s1", "s2"], "customer_id": ["B", "B"],
                                          "channel": "app_chat", "opened_at": ["2025-03-01T09:00:00Z",
                                                                               "2025-01-01T09:00:00Z"],
                                          "first_reply_at": ["2025-03-01T09:01:00Z", None],
                                          "handed_to_agent": [True, False], "satisfaction": [2, None],
                                          "topic": ["call me on 13912345678", "refund"]}),
        "care_queue": pd.DataFrame({"customer_id": ["C", "B"], "grade": ["mild", "severe"], "reason": "r",
                                    "action": "call back", "due_at": ["2025-03-02T00:00:00Z",
                                                                      "2025-03-03T00:00:00Z"]}),
        "churn_actions": pd.DataFrame({"rank": [1, 2], "customer_id": ["A", "C"], "churn_probability": [0.9, 0.8],
                                       "action": "call"}),
        "ad_events": pd.DataFrame({"experiment_id": "exp1", "unit_id": ["u1"], "variant": ["treatment"],
                                   "date": ["2025-01-05"], "customer_id": ["C"]}),
    }
    params = {}
    for name, frame in tables.items():
        frame.to_csv(d / f"{name}.csv", index=False)
        params[f"{name}_path"] = str(d / f"{name}.csv")
    params |= {"n_cards": 2, "card_ids": ["C", "Z"], "prospects_path": "", "as_of": "2025-04-01"}
    return profile.run(profile.Config.from_parameters(notebook_parameters("08_customer_360", None, params)))


def test_every_event_kind_sorted_and_masked(result) -> None:
    t = result.timeline
    assert t["kind"].tolist() == ["order", "return", "service contact", "escalation", "service contact",
                                  "care action", "ad exposure", "care action"]
    assert t["customer_id"].tolist() == ["A", "A", "B", "B", "B", "B", "C", "C"]
    assert t.loc[0, "summary"] == "2 line(s), 15.00 CNY"  # one order of two lines; the guest line is no event
    assert not t["summary"].str.contains("13912345678").any()  # a phone in a topic is masked
    validate(t, "customer_timeline")
    with pytest.raises(ContractError, match="sorted"):
        validate(t.iloc[::-1], "customer_timeline")


def test_service_and_ads_blocks(result) -> None:
    p = result.profile.set_index("customer_id")
    assert p.loc["B", "n_contacts"] == 2 and p.loc["B", "n_escalations"] == 1
    assert p.loc["B", "n_breaches"] == 1  # the unanswered one; the other was answered in 1 minute
    assert p.loc["B", "satisfaction"] == 2 and p.loc["A", "n_contacts"] == 0
    assert p.loc["C", "experiments_seen"] == 1 and p.loc["C", "last_variant"] == "treatment"
    assert p.loc["A", "last_variant"] == "none" and p.loc["A", "ads_status"] == "fresh"
    assert p.loc["A", "value_status"] == "not computed"  # no segments_path given


def test_cards_take_care_and_retention_lists_in_turn_then_card_ids(result) -> None:
    assert [c["customer_id"] for c in result.cards] == ["B", "A", "C"]  # severe care first, then rank 1; Z unknown
    b = result.cards[0]
    assert b["events"]["time"].is_monotonic_decreasing and len(b["events"]) == 4
    assert b["blocks"]["feelings"]["status"] == "not computed" and b["blocks"]["service"]["n_contacts"] == 2
