"""Hostile and careless input for 05 (feedback) and 07 (service), issues 26 and 19: every file is written here.

- 07: a first reply before the contact opened is set aside and counted (``n_negative_reply_times``), never a reply
  within target; in a contacts table and in a message log.
- 05: texts dated after ``as_of`` (empty: now) are set aside and counted (``n_future_times``); they no longer move the
  period and the care queue.
- 07 ``aht_minutes`` 0, ``reply_targets`` / 05 ``care_due_hours`` values that are not numbers stop before anything
  runs, naming the parameter (conf/runs.yaml ``checks: ... each:``).
- 05 ``care_keywords`` are text: ``(`` matches itself.
- 07 with a header-only file: a clear error naming the file; 05 and 07 read a semicolon-separated CSV.
- 07 flat mode: optional roles whose parameter still names the company world's default column are left out when the
  file lacks it; required roles missing are one error; the report lists the roles used and left out.
- ``common.dates.parse_dates`` reads ``2015-02-24 11:35:52 -0800`` (space before the offset, airline tweets).

The two notebook runs (one per notebook, module-scoped) serve several assertions each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from experiments import feedback, service
from experiments.common.dates import parse_dates
from experiments.common.errors import DataInputError, ParameterError
from experiments.data import paths
from experiments.feedback import care
from experiments.lab import runner
from experiments.lab.config import notebook_parameters
from experiments.service import contacts

SERVICE = "07_service_operations"
FEEDBACK = "05_feedback_topics_sentiment"


def _run(notebook: str, tmp, overrides: list[str]) -> tuple[dict, str]:
    """Run ``notebook`` through the runner into ``tmp``; return its metrics and the report's HTML."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CIL_DATA_DIR", str(tmp / "data"))
    mp.setenv("CIL_REPORTS_DIR", str(tmp / "reports"))
    try:
        record = runner.run([notebook], cli_overrides=overrides, log=lambda _: None)
    finally:
        mp.undo()
    nb = record["notebooks"][0]
    assert nb["status"] == "passed", nb.get("error")
    folder = tmp / "reports" / record["folder"] / notebook
    return json.loads((folder / "metrics.json").read_text()), (folder / f"{notebook}.html").read_text()


# --- 07 through the runner: a semicolon-separated contacts table with replies before the opening ---------------------

# 10 contacts on channel "chat" (default target 240 min): 4 answered in 10 min, 3 in 300 min (misses), 3 "answered"
# 2 hours before they opened (set aside). Kept: 7 contacts, 4 within target, median 10 min.
def _contacts_table() -> pd.DataFrame:
    rows = []
    for i, minutes in enumerate([10, 10, 10, 10, 300, 300, 300, -120, -120, -120]):
        opened = pd.Timestamp("2025-03-03 09:00") + pd.Timedelta(hours=3 * i)
        rows.append({"ticket": f"T{i}", "channel": "chat", "opened": f"{opened:%Y-%m-%d %H:%M:%S}",
                     "replied": f"{opened + pd.Timedelta(minutes=minutes):%Y-%m-%d %H:%M:%S}", "note": "a, b"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def service_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    tmp = tmp_path_factory.mktemp("hostile07")
    path = tmp / "contacts_semicolon.csv"
    _contacts_table().to_csv(path, index=False, sep=";")
    # no resolved_col / customer_col / text_col given: their defaults (company-world columns) are not in the file
    return _run(SERVICE, tmp, [f"input_path={path}", "contact_id_col=ticket", "time_col=opened",
                               "first_reply_col=replied", "min_channel_contacts=1"])


def test_07_negative_reply_times_are_set_aside_not_within_target(service_run) -> None:
    m, html = service_run
    assert m["n_negative_reply_times"] == 3
    assert m["n_contacts"] == 7  # was 10, with the 3 negative replies counted within target
    assert m["share_within_target"] == pytest.approx(4 / 7, abs=1e-4)
    assert m["median_reply_minutes"] == 10.0
    assert "set aside because their first reply came" in html and "T7" in html  # count and an example row


def test_07_reads_a_semicolon_file_and_leaves_out_absent_default_roles(service_run) -> None:
    m, html = service_run
    assert m["share_within_target_chat"] == pytest.approx(4 / 7, abs=1e-4)
    assert "Optional roles left out" in html
    for role in ("customer", "resolved", "text"):  # left out by the runner (lab.roles.defaults_not_in_file)
        assert f"{role} (not given)" in html


def test_07_negative_replies_in_a_message_log() -> None:
    # three customers write at 10:00; the brand's replies are stamped 3 days earlier (a shifted clock)
    log = pd.DataFrame({"id": [1, 2, 3, 4, 5, 6], "author": ["c1", "c2", "c3", "B", "B", "B"],
                        "inbound": [True, True, True, False, False, False],
                        "at": ["2025-03-10 10:00", "2025-03-10 10:00", "2025-03-10 10:00", "2025-03-07 10:05",
                               "2025-03-07 10:05", "2025-03-10 10:20"],
                        "parent": [None, None, None, 1, 2, 3]})
    engine = service.Config.from_parameters(notebook_parameters("07_service_operations")).data_engine()
    c = contacts.message_contacts(log, message="id", inbound="inbound", reply_to="parent", time="at", channel="author",
                                  engine=engine)
    assert list(c.frame["contact_id"]) == ["3"] and c.frame["reply_minutes"].tolist() == [20.0]
    assert sorted(c.negative["contact_id"]) == ["1", "2"]
    assert (c.negative["reply_minutes"] < 0).all()


def _service_config(tmp, frame: pd.DataFrame, **overrides) -> service.Config:
    path = tmp / "in.csv"
    frame.to_csv(path, index=False)
    return service.Config.from_parameters(notebook_parameters(SERVICE, None, {"input_path": str(path), **overrides}))


def test_07_header_only_file_is_a_clear_error(tmp_path) -> None:
    cfg = _service_config(tmp_path, pd.DataFrame(columns=["conversation_id", "channel", "opened_at", "first_reply_at",
                                                          "resolved_at", "customer_id", "text"]))
    with pytest.raises(DataInputError, match=r"in\.csv: the file has no rows"):
        service.run(cfg)


def test_07_required_roles_missing_are_one_error(tmp_path) -> None:
    frame = pd.DataFrame({"conv": ["a"], "channel": ["x"], "opened": ["2025-01-01 10:00"],
                          "first_reply_at": ["2025-01-01 10:05"]})
    with pytest.raises(DataInputError) as err:
        service.load(_service_config(tmp_path, frame))
    msg = str(err.value)
    # the defaults the file lacks are left out before loading (issue 19), so both roles are named as not given
    assert "2 required column(s)" in msg and "contact_id_col not given (default 'conversation_id' not in" in msg
    assert "time_col not given (default 'opened_at'" in msg and "closest column: 'opened'" in msg


def test_07_an_optional_column_the_user_named_must_exist(tmp_path) -> None:
    frame = pd.DataFrame({"conversation_id": ["a"], "channel": ["x"], "opened_at": ["2025-01-01 10:00"],
                          "first_reply_at": ["2025-01-01 10:05"]})
    with pytest.raises(DataInputError, match="customer_col asks for column 'cust'"):
        service.load(_service_config(tmp_path, frame, customer_col="cust"))
    d = service.load(_service_config(tmp_path, frame))  # the defaults of the others: absent, left out
    assert set(d.roles_left_out) == {"customer", "inbound", "reply_to", "resolved", "text"}
    assert d.roles_used == {"contact_id": "conversation_id", "channel": "channel", "opened": "opened_at",
                            "first_reply": "first_reply_at"}


# --- parameters: values inside dicts are checked before anything runs ------------------------------------------------

@pytest.mark.parametrize(("notebook", "overrides", "key"), [
    (SERVICE, {"aht_minutes": {"hotline": 0}}, "aht_minutes"),
    (SERVICE, {"reply_targets": {"default": "abc"}}, "reply_targets"),
    (FEEDBACK, {"care_due_hours": {"moderate": "abc"}}, "care_due_hours"),
    (FEEDBACK, {"care_keywords": {"severe": "("}}, "care_keywords"),
])
def test_bad_values_inside_dict_parameters_stop_naming_the_parameter(notebook, overrides, key) -> None:
    with pytest.raises(ParameterError, match=f"{notebook}: parameter '{key}'"):
        notebook_parameters(notebook, None, overrides)


def test_aht_zero_stops_the_runner_before_the_notebook(tmp_path) -> None:
    env = os.environ | {"CIL_DATA_DIR": str(tmp_path / "data"), "CIL_REPORTS_DIR": str(tmp_path / "reports")}
    done = subprocess.run([sys.executable, "-m", "experiments", "run", SERVICE, "-p", 'aht_minutes={"hotline": 0}'],
                          capture_output=True, text=True, env=env, cwd=paths.project_root(), timeout=120)
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "aht_minutes" in out and "> 0" in out and "divide" not in out


def test_care_keywords_are_text_not_regular_expressions() -> None:
    cfg = feedback.Config.from_parameters(notebook_parameters(FEEDBACK, None, {"care_keywords": {
        "severe": ["(", "a.b"], "moderate": ["late"]}}))
    texts = pd.Series(["where is my order (again", "axb is not a.b", "a.b broke", "it came late", "fine"])
    g = care.grade_texts(texts, pd.Series([True] * 5), cfg.care_rules)
    assert g["grade"].tolist() == ["severe", "severe", "severe", "moderate", "mild"]
    assert g["cue"].iloc[0] == "("
    assert care.grade_texts(pd.Series(["axb"]), pd.Series([True]), cfg.care_rules)["grade"].tolist() == ["mild"]


# --- 05 through the runner: a semicolon-separated file with 41 texts dated 2031 -------------------------------------

NEGATIVE = ["terrible service, the parcel is late again", "awful, my order never came, I am disappointed",
            "worst support ever, nobody answers", "the app crashes, this is bad and annoying"]
POSITIVE = ["great service, thanks a lot", "lovely product, fast delivery", "happy with the order, good price",
            "excellent support, very helpful"]


@pytest.fixture(scope="module")
def feedback_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    tmp = tmp_path_factory.mktemp("hostile05")
    start = pd.Timestamp("2025-03-01")
    rows = [{"comment": (NEGATIVE + POSITIVE)[i % 8], "when": f"{start + pd.Timedelta(hours=13 * i)}", "shop": "web"}
            for i in range(40)]
    rows += [{"comment": POSITIVE[i % 4], "when": f"2031-0{1 + i % 9}-1{i % 10} 10:00:00", "shop": "app"}
             for i in range(41)]
    path = tmp / "feedback_semicolon.csv"
    pd.DataFrame(rows).to_csv(path, index=False, sep=";")
    return _run(FEEDBACK, tmp, [f"input_path={path}", "text_col=comment", "time_col=when", "channel_col=shop",
                                "language=en", "topic_count=3", "svd_components=5"])


def test_05_future_texts_are_set_aside_and_counted(feedback_run) -> None:
    m, html = feedback_run
    assert m["n_future_times"] == 41
    assert m["n_texts"] == 40
    # the care queue's window ends at the last 2025 text, not in 2031: the March 2025 complaints are in it
    assert m["care_mild"] + m["care_moderate"] + m["care_severe"] > 0
    assert "41 texts dated in the future" in html


def test_05_reads_a_semicolon_file(feedback_run) -> None:
    m, _ = feedback_run
    assert m["n_texts_en"] == 40 and m["n_negative"] >= 15


# --- dates: a space before the offset -------------------------------------------------------------------------------

def test_iso_times_with_a_space_before_the_offset() -> None:
    got = parse_dates(pd.Series(["2015-02-24 11:35:52 -0800", "2015-02-24T11:35:52-08:00", "2015-02-24 11:35 +0100",
                                 "2015-02-24 11:35:52Z"]))
    assert not got.unparsable.any()
    assert got.values.tolist() == [pd.Timestamp("2015-02-24 19:35:52"), pd.Timestamp("2015-02-24 19:35:52"),
                                   pd.Timestamp("2015-02-24 10:35:00"), pd.Timestamp("2015-02-24 11:35:52")]
    # the 05 loader reads them without a rewrite of its own
    assert feedback.sources.parse_times(pd.Series(["2015-02-24 11:35:52 -0800"]), "f.csv", "t").iloc[0] == \
        pd.Timestamp("2015-02-24 19:35:52", tz="UTC")
