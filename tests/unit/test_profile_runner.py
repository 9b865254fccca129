"""08 through the runner ONCE (module fixture) on your own tables this test writes: customers (emails upper-cased
with spaces, Chinese mobiles, two opt-outs, a name that is an HTML payload), segments, churn scores, a feedback
table and prospects; no recommendations, service, care or ad tables (those blocks must read "not computed", never
an error). Checks values, the hashed audience files, the published tables and that no raw email or phone reaches
any file the run writes under reports/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nbbuild_helper as nbh
from experiments.lab.metrics import documented_keys, undocumented_keys
from experiments.profile.hashing import normalise_email, normalise_phone, sha256_hex

pytestmark = pytest.mark.slow
NB = "08_customer_360"
PAYLOAD = "<script>alert(1)</script>"
N = 80


def _tables(d: Path) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(8)
    ids = [f"K{i:04d}" for i in range(N)]
    customers = pd.DataFrame({"customer_id": ids, "name": [PAYLOAD if i == 3 else f"客户{i}" for i in range(N)],
                              "email": [f"  Buyer.{i}@Shop-Example.COM " for i in range(N)],
                              "phone": [f"+86 139 {i:04d} {i:04d}" for i in range(N)], "city": "上海",
                              "opt_out": [i in (1, 2) for i in range(N)]})
    tier = np.where(np.arange(N) < 25, "high", "low")
    segments = pd.DataFrame({"customer_id": ids, "rfm_segment": np.where(tier == "high", "Champions", "Lost"),
                             "value_tier": tier, "lifecycle": "active", "clv": np.where(tier == "high", 500.0, 50.0),
                             "p_alive": 0.8, "n_purchases": np.where(tier == "high", 40, 3), "total_spend": 100.0,
                             "tenure_days": 400})
    churn = pd.DataFrame({"customer_id": ids, "churn_probability": np.linspace(0.01, 0.99, N).round(4),
                          "tier": np.where(np.arange(N) % 2 == 0, "high", "low"), "reason_1": "slowing"})
    feedback = pd.DataFrame({"customer_id": ["K0001", "K0005"], "sentiment": ["negative", "positive"],
                             "created_at": ["2025-06-20T08:00:00Z", "2025-06-21T08:00:00Z"], "channel": "app",
                             "topic": 2})
    prospects = pd.DataFrame({"prospect_id": [f"P{i}" for i in range(60)],
                              "engagement_per_month": rng.uniform(0, 4, 60).round(3)})
    out = {"customers": customers, "segments": segments, "churn_scores": churn, "feedback_scored": feedback,
           "prospects": prospects}
    for name, frame in out.items():
        frame.to_csv(d / f"{name}.csv", index=False)
    return out


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("own08")
    tables = _tables(base)
    overrides = {f"{t}_path": str(base / f"{t}.csv") for t in tables} | {
        "as_of": "2025-07-01", "trait_cols": json.dumps(["engagement_per_month"]), "card_ids": '["K0003"]'}
    run = nbh.run_one(NB, base, overrides)
    folder = run["folder"]
    return {"status": run["status"], "error": run["error"], "tables": tables, "base": base, "folder": folder,
            "metrics": run["metrics"],
            "html": run["html"]}


def test_runs_with_missing_blocks_as_not_computed(ran) -> None:
    assert ran["status"] == "passed", ran["error"]
    m = ran["metrics"]
    assert m["n_customers"] == N and m["n_blocks_fresh"] == 4 and m["n_blocks_stale"] == 0
    assert m["n_timeline_events"] == 2 and m["n_cards"] == 1  # only the feedback; card_ids K0003, no lists given
    assert "lookalike_top_decile_lift" not in m and m["n_prospects_scored"] == 60
    assert undocumented_keys(m, documented_keys(NB)) == []
    profile = pd.read_parquet(ran["base"] / "data" / "interim" / "flat" / "processed" / "customer_360.parquet")
    assert len(profile) == N and set(profile["service_status"]) == {"not computed"}
    assert set(profile["recommendations_status"]) == {"not computed"} and set(profile["top_items"]) == {"not computed"}
    assert not (ran["base"] / "data" / "processed").exists()  # own tables never publish into the company world's


def test_audiences_from_the_tables_with_opt_outs_left_out(ran) -> None:
    m = ran["metrics"]
    # win_back: churn tier high (even ids) and value tier high or medium (K0000-K0024): 13 customers, K0002 opted out
    assert m["audience_win_back_size"] == 12 and m["audience_win_back_value"] == 6000.0
    # champions_referral: Champions (K0000-K0024) not negative lately (K0001 is): 24, K0002 opted out
    assert m["audience_champions_referral_size"] == 23
    assert m["audience_exclude_recent_complainers_size"] == 0  # K0001 complained but opted out
    assert m["n_excluded_no_consent"] == 2  # K0001 (complainers), K0002 (win_back, champions)


def test_audience_files_hold_the_documented_hashes_only(ran) -> None:
    win = pd.read_csv(ran["folder"] / NB / "audience_win_back.csv")
    ids = [i for i in range(0, 25, 2) if i != 2]
    expected_email = [sha256_hex(normalise_email(f"  Buyer.{i}@Shop-Example.COM ")) for i in ids]
    expected_phone = [sha256_hex(normalise_phone(f"+86 139 {i:04d} {i:04d}")) for i in ids]
    assert sorted(win["email_sha256"]) == sorted(expected_email)
    assert sorted(win["phone_sha256"]) == sorted(expected_phone)
    assert normalise_phone("+86 139 0004 0004") == "8613900040004"


def test_no_raw_email_phone_or_script_in_any_report_file(ran) -> None:
    email = re.compile(r"buyer\.\d+@shop-example\.com", re.I)
    phone = re.compile(r"139\s?\d{4}\s?\d{4}")
    for path in ran["folder"].rglob("*"):
        if path.is_file() and path.suffix in (".html", ".ipynb", ".csv", ".json", ".md", ".txt"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not email.search(text), path
            assert not phone.search(text), path
    assert PAYLOAD not in ran["html"] and "K0003" in ran["html"]  # the card (card_ids) is there, its name masked
