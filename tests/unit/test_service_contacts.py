"""What a contact is in a message log (issue 20 item 6), on a hand-made log whose answers are worked out below.

Before: every reply to an inbound message was a contact of its own (a brand's second reply to one tweet became a
second contact with its own "first reply"), a customer's follow-up was a separate contact, and inbound messages
nobody answered were not counted at all.
"""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.common.errors import DataInputError
from experiments.data.inputs import InputTable
from experiments.lab.config import notebook_parameters
from experiments.service import Config, contacts, run
from experiments.service.sources import Data

#: The notebook's own engine (DuckDB by default) for the first replies of a message log.
ENGINE = Config.from_parameters(notebook_parameters("07_service_operations")).data_engine()

COLS = {"contact_id": "id", "channel": "author", "opened": "at", "reply_to": "reply_to", "inbound": "inbound",
        "text": "text"}


def _log() -> pd.DataFrame:
    # 1  c1 10:00 opens a contact; 2 BrandA answers 1 at 10:30 (30 min); 3 BrandA answers 1 again at 11:00 (not a
    #    second contact); 5 BrandB answers BrandA's 2 (answers no customer)
    # 9  c1 10:40 answers BrandA's 2: continues the conversation, a new contact; 10 BrandA answers it 10:50 (10 min)
    # 4  c2 12:00, never answered: unanswered
    # 6  c3 13:00 opens; 7 c3 13:05 answers their own 6 (a follow-up, joins 6's contact); 8 BrandA answers 7 at
    #    13:25: the contact opened 13:00 got its first reply after 25 min
    # 11 c4 13:10 answers c3's 6: another customer, a contact of its own; never answered
    rows = [(1, "c1", True, "10:00", None, "my order is late"), (2, "BrandA", False, "10:30", 1, "sorry"),
            (3, "BrandA", False, "11:00", 1, "any news?"), (5, "BrandB", False, "10:35", 2, "@BrandA hi"),
            (9, "c1", True, "10:40", 2, "still late"), (10, "BrandA", False, "10:50", 9, "on its way"),
            (4, "c2", True, "12:00", None, "hello?"), (6, "c3", True, "13:00", None, "refund please"),
            (7, "c3", True, "13:05", 6, "order 123"), (8, "BrandA", False, "13:25", 7, "done"),
            (11, "c4", True, "13:10", 6, "me too")]
    return pd.DataFrame([{"id": i, "author": a, "inbound": inbound, "at": f"2017-10-31 {t}:00+00:00",
                          "reply_to": float(p) if p else None, "text": x} for i, a, inbound, t, p, x in rows])


def _table(log: pd.DataFrame) -> InputTable:
    return InputTable(frame=log, columns=COLS, source="log.csv", path=None, fingerprint="", extra={"company": False})


def test_a_contact_is_counted_once_with_its_first_reply_and_follow_ups_join_it() -> None:
    c = contacts.build(_table(_log()), ENGINE)
    got = c.frame.set_index("contact_id")
    assert sorted(got.index) == ["1", "6", "9"]  # not 2,188-style pairs: the second reply (3) is no contact
    assert got["reply_minutes"].to_dict() == {"1": 30.0, "9": 10.0, "6": 25.0}
    assert set(got["channel"]) == {"BrandA"}
    assert got.loc["6", "text"] == "refund please"  # the contact's first message
    assert c.is_message_log and sorted(c.unanswered["contact_id"]) == ["11", "4"]
    assert c.unanswered.set_index("contact_id")["messages"].to_dict() == {"4": 1, "11": 1}
    assert c.n_inbound_messages == 6


def test_reply_pairs_keep_the_older_reading_of_the_dataset_readme() -> None:
    kw = dict(message="id", inbound="inbound", reply_to="reply_to", time="at", channel="author")
    pairs = contacts.reply_pairs(_log(), **kw)
    # 1-2 (30), 1-3 (60), 9-10 (10), 7-8 (20): one row per reply; 5 answers a brand, 4 and 11 have no reply
    assert sorted(pairs["reply_minutes"]) == [10.0, 20.0, 30.0, 60.0]
    assert pairs.loc[pairs["reply_minutes"] == 20.0, "contact_id"].tolist() == ["7"]


def test_unanswered_contacts_are_reported_beside_the_answered_ones() -> None:
    params = notebook_parameters("07_service_operations", None, {
        "contact_id_col": "id", "channel_col": "author", "time_col": "at", "first_reply_col": "",
        "reply_to_col": "reply_to", "inbound_col": "inbound", "resolved_col": "", "customer_col": "",
        "text_col": "text", "reply_targets": {"default": 20}, "utc_offset_hours": 0, "aht_minutes": {}})
    table = _table(_log())
    r = run(Config.from_parameters(params), Data(input=table, contacts=contacts.build(table, ENGINE)))
    m = r.metrics()
    # answered: 30 (miss), 10 (within), 25 (miss) against 20 min; unanswered: 4 and 11
    assert m["n_contacts"] == 3 and m["median_reply_minutes"] == 25.0
    assert m["share_within_target"] == pytest.approx(0.3333, abs=1e-4)
    assert m["n_unanswered"] == 2 and m["share_within_target_incl_unanswered"] == 0.2
    assert "unanswered" in r.tables and r.publish() is None  # a flat table publishes nothing


def test_a_contacts_table_has_no_unanswered_keys() -> None:
    f = pd.DataFrame({"id": ["a", "b"], "ch": ["x", "x"], "t": ["2025-01-06 10:00", "2025-01-06 11:00"],
                      "r": ["2025-01-06 10:45", None]})
    params = notebook_parameters("07_service_operations", None, {
        "contact_id_col": "id", "channel_col": "ch", "time_col": "t", "first_reply_col": "r", "resolved_col": "",
        "customer_col": "", "text_col": "", "reply_targets": {"default": 60}, "aht_minutes": {}})
    cols = {"contact_id": "id", "channel": "ch", "opened": "t", "first_reply": "r"}
    table = InputTable(frame=f, columns=cols, source="f.csv", path=None, fingerprint="", extra={"company": False})
    m = run(Config.from_parameters(params), Data(input=table, contacts=contacts.build(table, ENGINE))).metrics()
    assert m["share_within_target"] == 0.5 and "n_unanswered" not in m  # no reply = a miss, in the share itself


def test_roles_need_exactly_one_way_to_a_reply_time() -> None:
    base = notebook_parameters("07_service_operations")
    with pytest.raises(DataInputError, match="either first_reply_col"):
        Config.from_parameters(base | {"reply_to_col": "p", "inbound_col": "i"}).roles()
    with pytest.raises(DataInputError, match="go together"):
        Config.from_parameters(base | {"first_reply_col": "", "reply_to_col": "p"}).roles()
    roles, _ = Config.from_parameters(base | {"resolved_col": "", "customer_col": "", "text_col": ""}).roles()
    assert roles == {"contact_id": "conversation_id", "channel": "channel", "opened": "opened_at",
                     "first_reply": "first_reply_at"}
