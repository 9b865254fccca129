"""08 profile on your own tables (the ``<table>_path`` parameters): one row per customer, "none" distinct from "not
computed" and "stale", blocks equal to their source, audiences checked before anything is read, consent, hashed
exports and lookalikes that never score a customer."""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd
import pytest

from experiments import profile
from experiments.common.errors import ParameterError
from experiments.lab.config import notebook_parameters

NB = "08_customer_360"


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    d = tmp_path_factory.mktemp("own")
    rng = np.random.default_rng(3)
    n = 60
    ids = [f"C{i:03d}" for i in range(n)]
    customers = pd.DataFrame({"customer_id": ids, "name": [f"Name {i}" for i in range(n)],
                              "email": [f"  User{i}@Example.com " for i in range(n)],
                              "phone": [f"139{i:08d}" for i in range(n)], "city": "上海", "gender": "F",
                              "birth_date": "1990-01-01", "opt_out": [i % 10 == 0 for i in range(n)]})
    tier = np.where(np.arange(n) < 20, "high", np.where(np.arange(n) < 40, "medium", "low"))
    segments = pd.DataFrame({"customer_id": ids, "rfm_segment": "Loyal", "value_tier": tier, "lifecycle": "active",
                             "clv": np.where(tier == "high", 1000.0, 100.0), "p_alive": 0.9,
                             "n_purchases": np.where(tier == "high", 30, 2), "total_spend": 500.0,
                             "tenure_days": 365})
    churn = pd.DataFrame({"customer_id": ids[:50], "churn_probability": rng.random(50).round(3),
                          "tier": ["high"] * 25 + ["low"] * 25, "reason_1": "no order lately", "reason_2": "",
                          "reason_3": ""})
    feedback = pd.DataFrame({"customer_id": ["C001", "C001", "C002"], "sentiment": ["positive", "negative", "neutral"],
                             "created_at": ["2025-06-01T10:00:00Z", "2025-06-20T10:00:00Z", "2024-01-01T00:00:00Z"],
                             "channel": "wechat", "topic": 1})
    old = d / "recommendations.csv"
    pd.DataFrame({"customer_id": ["C001"], "rank": [1], "item_id": ["I1"]}).to_csv(old, index=False)
    stamp = time.time() - 90 * 86400
    os.utime(old, (stamp, stamp))
    prospects = pd.DataFrame({"prospect_id": [f"P{i}" for i in range(40)] + ["P_dup"],
                              "email": [""] * 40 + ["user5@example.com"],
                              "engagement_per_month": list(rng.uniform(0, 3, 40)) + [2.0],
                              "city": "上海"})
    for name, frame in {"customers": customers, "segments": segments, "churn_scores": churn,
                        "feedback_scored": feedback, "prospects": prospects}.items():
        frame.to_csv(d / f"{name}.csv", index=False)
    params = {f"{t}_path": str(d / f"{t}.csv") for t in ("customers", "segments", "churn_scores",
                                                           "feedback_scored", "recommendations", "prospects")}
    params |= {"as_of": "2025-07-01", "trait_cols": ["engagement_per_month", "city"]}
    cfg = profile.Config.from_parameters(notebook_parameters(NB, None, params))
    return profile.run(cfg), customers, segments, churn, d


def test_one_row_per_customer_and_blocks_equal_their_sources(own) -> None:
    r, customers, segments, churn, _ = own
    p = r.profile.set_index("customer_id")
    assert p.index.is_unique and sorted(p.index) == sorted(customers["customer_id"])
    s = segments.set_index("customer_id")
    assert (p["value_tier"] == s["value_tier"].reindex(p.index)).all()
    assert np.allclose(p["clv"], s["clv"].reindex(p.index))
    c = churn.set_index("customer_id")
    assert np.allclose(p.loc[c.index, "churn_probability"], c["churn_probability"])
    assert (p.loc[c.index, "churn_tier"] == c["tier"]).all()


def test_none_is_not_not_computed_nor_stale(own) -> None:
    p = own[0].profile.set_index("customer_id")
    assert p.loc["C001", "latest_sentiment"] == "negative" and p.loc["C001", "negatives_90d"] == 1
    assert p.loc["C002", "latest_sentiment"] == "neutral" and p.loc["C002", "negatives_90d"] == 0  # 2024: outside 90 d
    assert p.loc["C010", "latest_sentiment"] == "none" and p.loc["C010", "negatives_90d"] == 0
    assert p.loc["C055", "churn_tier"] == "none" and np.isnan(p.loc["C055", "churn_probability"])  # not scored
    assert set(p["service_status"]) == {"not computed"} and p["n_contacts"].isna().all()  # no service table given
    assert set(p["recommendations_status"]) == {"stale"} and set(p["top_items"]) == {"not computed"}  # 90 days old
    assert set(p["value_status"]) == {"fresh"} and p["value_run_id"].str.len().eq(12).all()
    m = own[0].metrics()
    assert m["n_blocks_fresh"] == 4 and m["n_blocks_stale"] == 1  # identity, value, risk, feelings; recommendations


def test_consent_left_out_and_counted_and_exports_hashed(own, tmp_path) -> None:
    r = own[0]
    m = r.metrics()
    # win_back: churn tier high and value high/medium = C000..C024 (C000-C019 high, 1000 each; C020-C024 medium, 100
    # each); C000, C010 (high) and C020 (medium) opted out
    assert m["audience_win_back_size"] == 22 and m["audience_win_back_value"] == pytest.approx(18 * 1000 + 4 * 100)
    assert m["n_excluded_no_consent"] == 3  # opted out and selected by some rule: C000, C010, C020 (win_back)
    files = r.export_audiences(tmp_path)
    text = "".join(f.read_text() for f in files)
    assert "@" not in text
    win = pd.read_csv(tmp_path / "audience_win_back.csv")
    assert list(win.columns) == ["email_sha256", "phone_sha256"] and len(win) == 22
    assert "example.com" not in text and "User" not in text


def test_lookalike_never_scores_an_existing_customer(own) -> None:
    look = own[0].lookalike
    assert "P_dup" not in set(look.scores["prospect_id"])  # same email as customer C005
    assert look.n_already_customers == 1 and len(look.scores) == 40
    assert look.n_seed == 20


def test_audience_rules_are_checked_before_anything_is_read() -> None:
    base = notebook_parameters(NB, None, {"customers_path": "/nonexistent/customers.csv"})
    bad = dict(base, audiences={"vip": "clv_tierx == 'high'"})
    with pytest.raises(ParameterError, match=r"audience 'vip'.*unknown column 'clv_tierx'"):
        profile.run(profile.Config.from_parameters(bad))
    broken = dict(base, audiences={"oops": "clv >> and"})
    with pytest.raises(ParameterError, match=r"audience 'oops'.*not a valid expression"):
        profile.run(profile.Config.from_parameters(broken))


def test_next_action_comes_from_next_best_actions_and_a_retention_list_needs_no_action_column(own, tmp_path) -> None:
    """Issue 21: 09 publishes the one decision (next_best_actions); 04's churn_actions keeps rank and customer only."""
    d = own[4]
    pd.DataFrame({"customer_id": ["C001", "C003", "C004"], "action": ["coupon", "none", "call"],
                  "expected_gain": [12.5, 0.0, 3.25], "cost": [2.0, 0.0, 5.0],
                  "reason": ["coupon: expected gain 12.50", "random control group: would get coupon", "call"],
                  "control_group": [False, True, False]}).to_csv(tmp_path / "nba.csv", index=False)
    pd.DataFrame({"rank": [1, 2], "customer_id": ["C003", "C001"]}).to_csv(tmp_path / "actions.csv", index=False)
    params = {f"{t}_path": str(d / f"{t}.csv") for t in ("customers", "segments", "churn_scores")}
    params |= {"next_best_actions_path": str(tmp_path / "nba.csv"), "churn_actions_path": str(tmp_path / "actions.csv"),
               "as_of": "2025-07-01", "trait_cols": ["city"], "n_cards": 2}
    r = profile.run(profile.Config.from_parameters(notebook_parameters(NB, None, params)))
    p = r.profile.set_index("customer_id")
    assert p.loc["C001", "next_action"] == "coupon" and p.loc["C001", "next_action_gain"] == 12.5
    assert p.loc["C003", "next_action"] == "none" and "control group" in p.loc["C003", "next_action_reason"]
    assert p.loc["C050", "next_action"] == "none" and np.isnan(p.loc["C050", "next_action_gain"])  # not decided on
    assert set(p["next_action_status"]) == {"fresh"}
    assert [c["customer_id"] for c in r.cards] == ["C003", "C001"]  # the retention list's order, no action column
    assert r.cards[1]["blocks"]["next_action"]["next_action"] == "coupon"
    from experiments.profile import present

    assert "coupon" in present.card_html(r.cards[1])
    without = profile.run(profile.Config.from_parameters(notebook_parameters(
        NB, None, {k: v for k, v in params.items() if k != "next_best_actions_path"})))
    q = without.profile
    assert set(q["next_action_status"]) == {"not computed"} and set(q["next_action"]) == {"not computed"}
