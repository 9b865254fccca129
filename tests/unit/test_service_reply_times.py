"""Reply-time pairing, targets and service levels on hand-made frames (answers worked out in the comments)."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.common.errors import DataInputError
from experiments.data.inputs import InputTable
from experiments.lab.config import notebook_parameters
from experiments.service import Config, contacts, engine_steps, reply_times

#: The notebook's own engine (DuckDB by default); tests/unit/test_engine_service.py runs the steps on Spark too.
ENGINE = Config.from_parameters(notebook_parameters("07_service_operations")).data_engine()


def _agg(t: pd.DataFrame) -> engine_steps.ReplyAggregates:
    return engine_steps.reply_aggregates(ENGINE, t)


def test_a_reply_at_the_target_is_within_and_no_reply_is_a_miss() -> None:
    # chat target 60: 60 min -> within (at the target), 61 -> miss, no reply -> miss; comment uses default 120: 100 in
    d = pd.DataFrame({"contact_id": list("abcd"), "channel": ["chat", "chat", "chat", "comment"],
                      "opened_at": pd.to_datetime(["2025-01-06 09:00"] * 4, utc=True),
                      "reply_minutes": [60.0, 61.0, None, 100.0]})
    t = reply_times.with_targets(d, {"chat": 60, "default": 120})
    assert t["within_target"].tolist() == [True, False, False, True]
    lv = reply_times.service_levels(_agg(t))
    assert lv.loc["chat", "share_within_target"] == pytest.approx(1 / 3)
    assert lv.loc["all", "share_within_target"] == pytest.approx(2 / 4)
    assert lv.loc["chat", "breaches"] == 2 and lv.index[0] == "chat"  # worst channel first
    assert lv.loc["chat", "median_minutes"] == pytest.approx(60.5)  # median of the replied 60, 61


def test_weekday_and_hour_are_local_and_the_weekend_gap_is_weekday_minus_weekend_share() -> None:
    # Sunday 20:00 UTC is Monday 04:00 in Beijing (UTC+8): weekday 0, hour 4
    d = pd.DataFrame({"contact_id": ["a"], "channel": ["x"],
                      "opened_at": pd.to_datetime(["2025-01-05 20:00"], utc=True), "reply_minutes": [1.0]})
    t = reply_times.with_targets(d, {"default": 5}, utc_offset_hours=8)
    assert (t["weekday"].iloc[0], t["hour"].iloc[0]) == (0, 4)
    # channel x: weekdays 2 of 2 within, weekend 1 of 4 within -> gap 1 - 0.25 = 0.75; channel y: no gap
    days = ["2025-01-06", "2025-01-07"] + ["2025-01-11"] * 4 + ["2025-01-06", "2025-01-11"]
    d = pd.DataFrame({"contact_id": range(8), "channel": ["x"] * 6 + ["y"] * 2,
                      "opened_at": pd.to_datetime(days).tz_localize("UTC") + pd.Timedelta(hours=3),
                      "reply_minutes": [1, 1, 1, 9, 9, 9, 1, 1]})
    gap = reply_times.weekend_gap(_agg(reply_times.with_targets(d, {"default": 5}, utc_offset_hours=0)).cube)
    assert gap.index[0] == "x" and gap.loc["x", "gap"] == pytest.approx(0.75) and gap.loc["y", "gap"] == 0


def test_target_errors_name_the_channel_and_the_parameter() -> None:
    with pytest.raises(DataInputError, match=r"reply_targets.*'email'"):
        reply_times.targets_for(pd.Series(["chat", "email"]), {"chat": 60})
    with pytest.raises(DataInputError, match="must be > 0"):
        reply_times.targets_for(pd.Series(["chat"]), {"chat": 0})


def test_bad_timestamps_and_flags_name_the_column_and_rows() -> None:
    with pytest.raises(DataInputError, match=r"f.csv: column 'opened' has 1 values that are not timestamps \(row 2\)"):
        reply_times.to_utc(pd.Series(["2025-01-01 10:00", "yesterday"]), "opened", "f.csv")
    with pytest.raises(DataInputError, match=r"column 'inbound'.*row 3"):
        reply_times.to_flag(pd.Series(["true", "False", "maybe"]), "inbound", "f.csv")
    assert reply_times.to_utc(pd.Series(["2025-01-01T10:00:00+08:00"]), "o", "f").iloc[0] == pd.Timestamp(
        "2025-01-01 02:00", tz="UTC")


def test_a_contacts_table_builds_reply_minutes() -> None:
    f = pd.DataFrame({"id": ["a", "b"], "ch": ["x", "x"], "t": ["2025-01-01 10:00", "2025-01-01 11:00"],
                      "r": ["2025-01-01 10:45", None]})
    cols = {"contact_id": "id", "channel": "ch", "opened": "t", "first_reply": "r"}
    c = contacts.build(InputTable(frame=f, columns=cols, source="f.csv", path=None, fingerprint=""), ENGINE)
    assert c.frame["reply_minutes"].tolist()[0] == 45.0 and pd.isna(c.frame["reply_minutes"].iloc[1])
    assert not c.is_message_log and c.unanswered is None  # a contacts table keeps its unanswered rows as misses


def test_worst_hours_lists_the_lowest_share_cells_with_enough_contacts() -> None:
    # x at 02:00: 10 contacts, 4 within -> 0.4; x at 10:00: 10 contacts, 9 within -> 0.9; y at 03:00: 2 contacts
    # (below min_contacts 10, left out)
    # (the cube's cells: x on Monday at 02:00 and 10:00 split over two weekdays at 10:00, y on Sunday)
    cube = pd.DataFrame({"channel": ["x", "x", "x", "y"], "weekday": [0, 0, 1, 6], "hour": [2, 10, 10, 3],
                         "contacts": [10, 6, 4, 2], "within": [4, 5, 4, 0]})
    w = reply_times.worst_hours(cube)
    assert w[["channel", "hour"]].values.tolist() == [["x", 2], ["x", 10]]
    assert w["share_within_target"].tolist() == pytest.approx([0.4, 0.9])


def test_a_tiny_channel_is_never_called_the_weakest() -> None:
    # big: 20 contacts, 15 within (0.75); tiny: 1 contact, missed (0.0) -> with min_contacts 20 big is listed first
    d = pd.DataFrame({"contact_id": range(21), "channel": ["big"] * 20 + ["tiny"],
                      "opened_at": pd.to_datetime(["2025-01-06 09:00"] * 21, utc=True),
                      "reply_minutes": [1.0] * 15 + [9.0] * 5 + [9.0]})
    t = reply_times.with_targets(d, {"default": 5})
    assert reply_times.service_levels(_agg(t)).index[0] == "tiny"
    lv = reply_times.service_levels(_agg(t), min_contacts=20)
    assert lv.index.tolist() == ["big", "tiny", "all"] and lv.loc["big", "share_within_target"] == 0.75
    assert reply_times.weekend_gap(_agg(t).cube, min_contacts=1).empty  # no weekend contacts at all
