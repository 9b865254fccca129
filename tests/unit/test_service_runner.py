"""07 through the runner on a message log written here (Twitter's layout and time format), every figure worked out
by hand: what a contact is (first replies counted once, a customer's follow-up joins their contact, unanswered
contacts counted apart) and what the notebook writes for a flat table.

Log (target 20 minutes for every brand, ``reply_targets={"default": 20}``):
- c1 10:00 opens; BrandA answers at 10:30 (30 min, a miss) and again at 11:00 (no second contact);
- c1 10:40 answers BrandA: a new contact; BrandA answers at 10:50 (10 min, within);
- c2 12:00: nobody answers (unanswered);
- c3 13:00 opens, c3 13:05 follows up on it; BrandB answers the follow-up at 13:15 (15 min from 13:00, within);
- c4 13:10 answers c3: another customer's contact; nobody answers (unanswered).
Answered contacts 3 (BrandA 2, BrandB 1), median 15 min, within target 2 of 3; with the 2 unanswered 2 of 5.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from experiments.lab import runner

pytestmark = pytest.mark.slow

ROWS = [(1, "c1", True, "10:00:00", None, "terrible service, my order is late"),
        (2, "BrandA", False, "10:30:00", 1, "@c1 sorry"),
        (3, "BrandA", False, "11:00:00", 1, "@c1 any news?"), (9, "c1", True, "10:40:00", 2, "still late, awful"),
        (10, "BrandA", False, "10:50:00", 9, "@c1 on its way"), (4, "c2", True, "12:00:00", None, "hello?"),
        (6, "c3", True, "13:00:00", None, "refund please"), (7, "c3", True, "13:05:00", 6, "order 123"),
        (8, "BrandB", False, "13:15:00", 7, "@c3 done"), (11, "c4", True, "13:10:00", 6, "me too")]


@pytest.fixture(scope="module")
def metrics(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("service-runner")
    path = tmp / "log.csv"
    pd.DataFrame([{"tweet_id": i, "author_id": a, "inbound": inbound, "created_at": f"Tue Oct 31 {t} +0000 2017",
                   "text": x, "in_response_to_tweet_id": float(p) if p else None}
                  for i, a, inbound, t, p, x in ROWS]).to_csv(path, index=False)
    mp = pytest.MonkeyPatch()
    mp.setenv("CIL_DATA_DIR", str(tmp / "data"))
    mp.setenv("CIL_REPORTS_DIR", str(tmp / "reports"))
    overrides = [f"input_path={path}", "contact_id_col=tweet_id", "channel_col=author_id", "time_col=created_at",
                 "first_reply_col=", "reply_to_col=in_response_to_tweet_id", "inbound_col=inbound",
                 "resolved_col=", "customer_col=", "text_col=text", 'reply_targets={"default": 20}',
                 "utc_offset_hours=0", "aht_minutes={}", "min_channel_contacts=1"]
    record = runner.run(["07_service_operations"], cli_overrides=overrides, log=lambda _: None)
    nb = record["notebooks"][0]
    assert nb["status"] == "passed", nb.get("error")
    yield json.loads((tmp / "reports" / record["folder"] / "07_service_operations" / "metrics.json").read_text())
    mp.undo()


def test_contacts_first_replies_and_unanswered(metrics) -> None:
    m = metrics
    assert (m["n_contacts"], m["n_unanswered"]) == (3, 2)
    assert m["median_reply_minutes"] == 15.0
    assert m["share_within_target"] == pytest.approx(0.6667, abs=1e-4)
    assert m["share_within_target_incl_unanswered"] == 0.4
    assert (m["share_within_target_branda"], m["median_reply_minutes_branda"]) == (0.5, 20.0)
    assert (m["share_within_target_brandb"], m["median_reply_minutes_brandb"]) == (1.0, 15.0)


def test_a_flat_log_skips_what_it_cannot_support(metrics) -> None:
    m = metrics
    assert m["bot_containment_rate"] is None and m["n_alerts"] is None and m["forecast_mase"] is None
    assert not {"incident_detection_delay_days", "false_alarm_rate"} & set(m)  # no planted truth off the company
    # the answered contacts' first messages through VADER: "terrible service, ..." and "still late, awful" are
    # negative, "refund please" is not -> 2 of 3
    assert m["inbound_negative_share"] == pytest.approx(0.6667, abs=1e-4)
