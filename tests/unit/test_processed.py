"""experiments.data.processed: the processed tables of a run are published together, atomically, under a lock.

issue 8 saw a kill while 01 wrote leave a 0-byte ad_events.parquet beside new customers/orders (the next 06 run
failed with ArrowInvalid), and two 01 runs started in the same second mix their files. These tests kill real child
processes mid-publish and race two publishers.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from experiments.data import processed

# A child process that publishes a set of three tables tagged with argv[2]. Hooks (argv[4]):
#   hang:  writes customers and orders, leaves a 0-byte ad_events.parquet, says so in argv[3], and hangs there;
#   slow:  every table write takes 0.4 s, and the time spent inside the lock is appended to argv[3] as JSON.
CHILD = r"""
import json, sys, time
from pathlib import Path
import pandas as pd
from experiments.data import processed

target, tag, log, mode = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4]
write = processed._write_table
span = {}

def hooked(df, path):
    span.setdefault("start", time.time())
    if mode == "hang" and path.name == "ad_events.parquet":
        path.write_bytes(b"")
        log.write_text("writing ad_events")
        time.sleep(600)
    if mode == "slow":
        time.sleep(0.4)
    write(df, path)
    span["end"] = time.time()

processed._write_table = hooked
n = 50_000
tables = {name: pd.DataFrame({"tag": [tag] * n, "i": range(n)}) for name in ("customers", "orders", "ad_events")}
processed.publish(tables, files={"quarantine/order_lines.csv": f"tag\n{tag}\n"}, replace_all=True,
                  processed=target, wait_seconds=60)
if mode == "slow":
    with log.open("a") as fh:
        fh.write(json.dumps({"tag": tag, **span}) + "\n")
"""


def _child(target: Path, tag: str, log: Path, mode: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(target), tag, str(log), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _read_set(target: Path) -> dict[str, set[str]]:
    """Read every table of the version the link points at now (as a new reader would) and return the tags."""
    current = target.resolve()
    out = {name: set(pd.read_parquet(current / f"{name}.parquet")["tag"]) for name in ("customers", "orders",
                                                                                         "ad_events")}
    out["quarantine"] = set(pd.read_csv(current / "quarantine" / "order_lines.csv")["tag"])
    return out


def _publish_in_process(target: Path, tag: str) -> Path:
    tables = {name: pd.DataFrame({"tag": [tag] * 3, "i": range(3)}) for name in ("customers", "orders", "ad_events")}
    return processed.publish(tables, files={"quarantine/order_lines.csv": f"tag\n{tag}\n"}, replace_all=True,
                             processed=target)


def test_publish_swaps_the_whole_set_and_keeps_readers_on_their_version(tmp_path: Path) -> None:
    target = tmp_path / "data" / "processed"
    first = _publish_in_process(target, "one")
    assert target.is_symlink() and processed.current_dir(target) == first.resolve()
    reader_view = processed.current_dir(target)  # a reader resolves the link once ...
    second = _publish_in_process(target, "two")
    assert processed.current_dir(target) == second.resolve()
    assert set(pd.read_parquet(reader_view / "orders.parquet")["tag"]) == {"one"}  # ... and keeps a whole old set
    assert _read_set(target) == {k: {"two"} for k in ("customers", "orders", "ad_events", "quarantine")}
    # without replace_all, a table not given is carried over (hard link), the given one replaced
    processed.publish({"segments": pd.DataFrame({"tag": ["seg"]})}, processed=target)
    current = processed.current_dir(target)
    assert set(pd.read_parquet(current / "orders.parquet")["tag"]) == {"two"}
    assert (current / "segments.parquet").is_file()
    assert os.stat(current / "orders.parquet").st_ino == os.stat(second / "orders.parquet").st_ino


def test_a_plain_processed_folder_is_adopted_as_the_first_version(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    target.mkdir()
    pd.DataFrame({"tag": ["old"]}).to_parquet(target / "items.parquet")
    processed.publish({"orders": pd.DataFrame({"tag": ["new"]})}, processed=target)
    current = processed.current_dir(target)
    assert target.is_symlink()
    assert set(pd.read_parquet(current / "items.parquet")["tag"]) == {"old"}
    assert set(pd.read_parquet(current / "orders.parquet")["tag"]) == {"new"}


def test_old_versions_are_pruned(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    for i in range(processed.KEEP_VERSIONS + 2):
        _publish_in_process(target, str(i))
    kept = [d for d in processed.versions_dir(target).iterdir() if not d.name.startswith(".")]
    assert len(kept) == processed.KEEP_VERSIONS
    assert _read_set(target)["orders"] == {str(processed.KEEP_VERSIONS + 1)}


@pytest.mark.slow
def test_sigkill_while_writing_a_table_leaves_the_previous_set_and_the_next_publish_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "data" / "processed"
    _publish_in_process(target, "previous")
    log = tmp_path / "child.log"
    child = _child(target, "killed", log, "hang")
    deadline = time.monotonic() + 120
    while not log.is_file():
        assert child.poll() is None, child.stdout.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    staging = list(processed.versions_dir(target).glob(".staging-*"))
    assert len(staging) == 1  # the child is mid-publish: new customers and orders, a 0-byte ad_events
    assert (staging[0] / "orders.parquet").stat().st_size > 0
    assert (staging[0] / "ad_events.parquet").stat().st_size == 0
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    # issue 8: a 0-byte ad_events.parquet sat beside new customers/orders and 06 failed with ArrowInvalid
    assert _read_set(target) == {k: {"previous"} for k in ("customers", "orders", "ad_events", "quarantine")}
    _publish_in_process(target, "next")  # the lock died with the child: no wait, and the leftover is removed
    assert list(processed.versions_dir(target).glob(".staging-*")) == []
    assert list(target.parent.glob(f".{target.name}.link-*")) == []
    assert _read_set(target) == {k: {"next"} for k in ("customers", "orders", "ad_events", "quarantine")}


@pytest.mark.slow
def test_two_publishes_at_once_serialize_and_leave_one_complete_set(tmp_path: Path) -> None:
    target = tmp_path / "data" / "processed"
    _publish_in_process(target, "previous")
    log = tmp_path / "spans.jsonl"
    # issue 8: two 01 runs started in the same second left orders from one and the quarantine from the other
    children = [_child(target, tag, log, "slow") for tag in ("run_a", "run_b")]
    for child in children:
        out = child.communicate(timeout=240)[0].decode()
        assert child.returncode == 0, out
    spans = sorted((json.loads(line) for line in log.read_text().splitlines()), key=lambda s: s["start"])
    assert len(spans) == 2
    assert spans[0]["end"] <= spans[1]["start"], f"the two publishes overlapped: {spans}"  # one waited for the other
    final = _read_set(target)
    assert final == {k: {spans[1]["tag"]} for k in final}  # every file from the run that published last


def test_a_held_lock_makes_a_second_writer_stop_with_a_clear_message(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    _publish_in_process(target, "one")
    with processed.lock(target):
        with pytest.raises(processed.ProcessedBusyError, match=r"\.processed\.lock: another run \(pid \d+ since "
                                                              r".*\) is writing the processed tables; waited 1 s"):
            processed.publish({"orders": pd.DataFrame({"tag": ["two"]})}, processed=target, wait_seconds=1)
    assert _read_set(target)["orders"] == {"one"}


def test_a_flat_table_run_publishes_beside_the_company_world_never_over_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    company = pd.DataFrame({"customer_id": ["C1"], "score": ["Champions"]})
    flat = pd.DataFrame({"customer_id": ["u7"], "score": ["Lost"]})
    processed.publish_results({"example_scores": company}, company_world=True)
    processed.publish_results({"example_scores": flat}, company_world=False)
    assert processed.results_folder(True) == tmp_path / "data" / "processed"
    assert processed.results_folder(False) == tmp_path / "data" / "interim" / "flat" / "processed"
    read = {cw: pd.read_parquet(processed.current_dir(processed.results_folder(cw)) / "example_scores.parquet")
            for cw in (True, False)}
    assert read[True]["customer_id"].tolist() == ["C1"]  # the company world's table is untouched
    assert read[False]["customer_id"].tolist() == ["u7"]
    assert processed.results_label(False) == str(tmp_path / "data" / "interim" / "flat" / "processed")


def test_a_reader_keeps_one_version_while_another_process_publishes(tmp_path: Path) -> None:
    """Issue 26: 02 read orders and then customers through the link one at a time, and got two versions while another
    process published. current_dir() pins the version at a process's first read; the process's own publish moves it."""
    target = tmp_path / "data" / "processed"
    _publish_in_process(target, "previous")
    processed._PINNED.clear()  # a fresh reader process
    first = processed.current_dir(target)
    child = _child(target, "other_run", tmp_path / "spans.jsonl", "fast")
    assert child.wait(timeout=240) == 0
    assert target.resolve() != first  # the link moved to the other run's version ...
    assert processed.current_dir(target) == first  # ... and this reader still reads the one it started on
    assert {name: set(pd.read_parquet(processed.current_dir(target) / f"{name}.parquet")["tag"])
            for name in ("orders", "customers")} == {"orders": {"previous"}, "customers": {"previous"}}
    _publish_in_process(target, "mine")
    assert processed.current_dir(target) == target.resolve()  # a process reads what it published itself
