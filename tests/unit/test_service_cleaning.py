"""01's service_contacts clean on hand-made raw rows: UTC, the customer map, and every quarantine reason."""

from __future__ import annotations

import pandas as pd

from experiments.cleaning.service_contacts import standardise_service
from experiments.cleaning.sources import SourceConfig
from experiments.data import contracts

COLS = ["conversation_id", "channel", "customer_ref", "opened_at", "first_reply_at", "resolved_at", "handled_by",
        "bot_turns", "bot_failures", "bot_max_fail_run", "bot_seconds", "handed_to_agent", "resolved",
        "satisfaction", "topic", "text"]
CFG = SourceConfig(name="service", file="service_log.csv", kind="service", columns={c: c for c in COLS},
                   utc_offset_hours=8)


def _row(**kw) -> dict:
    base = dict(conversation_id="SV1", channel="wechat_pm", customer_ref="U0000001", opened_at="2025-03-01 10:00:00",
                first_reply_at="2025-03-01 10:30:00", resolved_at="", handled_by="agent", bot_turns="0",
                bot_failures="0", bot_max_fail_run="0", bot_seconds="0", handed_to_agent="no", resolved="no",
                satisfaction="", topic="refund", text="退款")
    return {**base, **kw}


def test_times_become_utc_refs_map_to_customers_and_impossible_rows_get_their_reason() -> None:
    raw = pd.DataFrame([
        _row(),                                                             # kept: 10:00 Beijing = 02:00 UTC
        _row(conversation_id="SV2", customer_ref="X9", satisfaction="4", resolved="yes",
             resolved_at="2025-03-01 11:00:00"),                            # unknown ref: kept, no customer
        _row(conversation_id="SV3", first_reply_at="2025-03-01 09:00:00"),  # reply before opening
        _row(conversation_id="SV4", resolved_at="2025-03-01 07:00:00"),     # resolved before opening
        _row(conversation_id="SV5", satisfaction="9"),                      # satisfaction outside 1-5
        _row(conversation_id="SV6", bot_turns="2.5"),                       # not a whole number
        _row(conversation_id="SV7", opened_at=""),                          # no opening time
        _row(conversation_id="SV8", opened_at="2025-07-05 10:00:00"),       # after as_of
        _row(conversation_id="SV9", resolved="maybe"),                      # not yes/no
    ], dtype="string")
    refs = pd.Series({"U0000001": "K0000001"})
    table, reason = standardise_service(raw, CFG, refs, as_of=pd.Timestamp("2025-07-01"))
    assert reason.fillna("kept").tolist() == ["kept", "kept", "reply_before_open", "resolved_before_open",
                                              "satisfaction_out_of_range", "bad_bot_counts", "missing_opened_at",
                                              "opened_after_as_of", "bad_yes_no"]
    kept = table[reason.isna().to_numpy()]
    assert kept["opened_at"].iloc[0] == pd.Timestamp("2025-03-01 02:00", tz="UTC")
    assert kept["customer_id"].tolist()[0] == "K0000001" and pd.isna(kept["customer_id"].iloc[1])
    assert kept["resolved"].tolist() == [False, True] and kept["satisfaction"].iloc[1] == 4
    contracts.validate(kept, "service_contacts")  # the kept rows meet the contract
