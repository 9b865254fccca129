"""04 reads only the service log's columns its features use (xlarge memory: the message texts are most of it)."""

from __future__ import annotations

import pandas as pd

from experiments.churn import sources


def test_the_service_log_is_read_without_its_texts(tiny_world):
    processed = tiny_world / "processed"
    whole = pd.read_parquet(processed / "service_contacts.parquet")
    inp = sources.load_company(processed)
    assert list(inp.contacts.columns) == list(sources.CONTACT_COLS)
    assert "text" in whole.columns and len(inp.contacts) == len(whole)
    pd.testing.assert_frame_equal(inp.contacts.reset_index(drop=True),
                                  whole[list(sources.CONTACT_COLS)].assign(
                                      opened_at=pd.to_datetime(whole["opened_at"], utc=True),
                                      resolved_at=pd.to_datetime(whole["resolved_at"], utc=True)))
