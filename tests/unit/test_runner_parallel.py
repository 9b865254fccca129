"""Notebooks side by side: ``jobs`` kernels at once, each started only when what it follows has finished.

A throwaway project (CIL_ROOT) holds tiny notebooks that sleep and write their start and end times (``time.time()``
in the kernel) into metrics.json; the runner's own record (run.json) must agree with them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

import nbbuild_helper as nbh
from experiments.common.errors import ParameterError
from experiments.lab import config, runner, schedule

PARAMS = 'n = 3  # how many\nseconds = 3.0  # how long to sleep\noutput_dir = ""  # run folder'
SLEEP = ("import time\nfrom experiments.lab.metrics import write_metrics\nt0 = time.time()\ntime.sleep(seconds)\n"
         "write_metrics({'n_squared': n * n, 'started': t0, 'ended': time.time()}, output_dir)")
BOOM = "raise RuntimeError('planted failure')"
RUNS = ("notebooks:\n"
        "  p_first: {}\n"
        "  q_other: {}\n"
        "  r_after_p: {depends_on: [p_first]}\n"
        "  x_boom: {}\n"
        "  y_after_boom: {depends_on: [x_boom]}\n")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    notebooks = {name: (PARAMS, SLEEP) for name in ("p_first", "q_other", "r_after_p", "y_after_boom")}
    return nbh.make_project(tmp_path / "proj", monkeypatch, notebooks | {"x_boom": (PARAMS, BOOM)}, RUNS)


def _by_name(record: dict) -> dict[str, dict]:
    return {nb["name"]: nb for nb in record["notebooks"]}


def _overlap(a: dict, b: dict) -> float:
    """Seconds during which the two notebooks' sleeping cells both ran (kernel clock; 0 when apart)."""
    return min(a["metrics"]["ended"], b["metrics"]["ended"]) - max(a["metrics"]["started"], b["metrics"]["started"])


@pytest.mark.slow
def test_two_jobs_overlap_independent_notebooks_and_wait_for_prerequisites(project: Path) -> None:
    lines: list[str] = []
    record = runner.run(["p_first", "q_other", "r_after_p"], jobs=2, log=lines.append)
    nbs = _by_name(record)
    assert record["jobs"] == 2 and record["status"] == "passed"
    assert _overlap(nbs["p_first"], nbs["q_other"]) > 1.0  # side by side: 3 s sleeps, most of them together
    # the dependent starts only after its prerequisite ended (its kernel starts after p's kernel is gone)
    assert nbs["r_after_p"]["metrics"]["started"] >= nbs["p_first"]["metrics"]["ended"]
    assert nbs["r_after_p"]["started_seconds"] >= nbs["p_first"]["started_seconds"] + nbs["p_first"][
        "duration_seconds"] - 0.5  # run.json's clock (the rendering of p ends its duration; 0.5 s of rounding)
    # run.json keeps the dependency order, and each log line names the notebook's place in it
    assert list(nbs) == ["p_first", "q_other", "r_after_p"]
    assert any(line.startswith("[3/3] r_after_p: passed in ") for line in lines), lines


@pytest.mark.slow
def test_one_job_runs_one_after_another(project: Path) -> None:
    record = runner.run(["p_first", "q_other"], jobs=1)
    nbs = _by_name(record)
    assert record["jobs"] == 1
    assert nbs["q_other"]["metrics"]["started"] >= nbs["p_first"]["metrics"]["ended"]  # file order, no overlap
    assert _overlap(nbs["p_first"], nbs["q_other"]) < 0


@pytest.mark.slow
def test_failed_prerequisite_skips_its_dependent_while_an_independent_one_passes(project: Path) -> None:
    record = runner.run(["x_boom", "y_after_boom", "q_other"], jobs=2, cli_overrides=["seconds=0.5"])
    status = {name: nb["status"] for name, nb in _by_name(record).items()}
    assert status == {"q_other": "passed", "x_boom": "failed", "y_after_boom": "skipped"}
    assert "planted failure" in _by_name(record)["x_boom"]["error"]
    assert "depends on x_boom" in _by_name(record)["y_after_boom"]["error"]


@pytest.mark.slow
def test_same_metrics_with_one_and_two_jobs(project: Path) -> None:
    chosen = ["p_first", "q_other", "r_after_p", "x_boom", "y_after_boom"]
    overrides = ["seconds=0.2", "n=7"]

    def figures(record: dict) -> dict:
        return {name: ({k: v for k, v in nb["metrics"].items() if k not in ("started", "ended")}, nb["status"])
                for name, nb in _by_name(record).items()}

    one, two = runner.run(chosen, jobs=1, cli_overrides=overrides), runner.run(chosen, jobs=2, cli_overrides=overrides)
    assert figures(one) == figures(two)
    assert figures(one)["p_first"] == ({"n_squared": 49}, "passed")
    assert [nb["name"] for nb in one["notebooks"]] == [nb["name"] for nb in two["notebooks"]]


def test_jobs_comes_from_runs_yaml_and_must_be_a_whole_number(project: Path) -> None:
    runs = project / "conf" / "runs.yaml"
    assert schedule.configured_jobs() == 1  # no jobs: key, one after another as before
    runs.write_text("jobs: 2\n" + RUNS)
    assert schedule.configured_jobs() == 2
    for bad in ("0", "two", "1.5", "true"):
        runs.write_text(f"jobs: {bad}\n" + RUNS)
        with pytest.raises(ParameterError, match="jobs must be a whole number"):
            schedule.configured_jobs()
    runs.write_text(RUNS)
    with pytest.raises(ParameterError, match="--jobs"):
        runner.run(["p_first"], jobs=0)


def test_jobs_by_profile_wins_for_that_profile_only(project: Path) -> None:
    runs = project / "conf" / "runs.yaml"
    runs.write_text("jobs: 2\njobs_by_profile:\n  big: 1\n" + RUNS)
    assert schedule.configured_jobs(profile="big") == 1
    assert schedule.configured_jobs(profile="other") == 2 and schedule.configured_jobs() == 2
    runs.write_text("jobs: 2\njobs_by_profile:\n  big: 0\n" + RUNS)
    with pytest.raises(ParameterError, match="jobs_by_profile.big"):
        schedule.configured_jobs(profile="big")


def test_the_longest_remaining_chain_starts_first(project: Path) -> None:
    runs = project / "conf" / "runs.yaml"
    runs.write_text(RUNS + "  z_after_r: {runs_after: [r_after_p]}\n")
    nbh.write_notebook(project / "notebooks" / "z_after_r.ipynb", PARAMS, SLEEP)
    specs = config.load_runs()
    order = runner.dependency_order(specs, ["q_other", "p_first", "r_after_p", "z_after_r"])
    prereq = schedule.prerequisites(specs, order)
    assert prereq["z_after_r"] == ("r_after_p",) and prereq["q_other"] == ()
    # first run (no durations): p heads a chain of three notebooks, q none
    rank = schedule.priorities(specs, order, {})
    assert schedule.next_ready(order, set(), prereq, rank) == "p_first"
    assert schedule.next_ready(order, set(), prereq, None) == "q_other"  # jobs 1: dependency order
    # durations of the last run: q alone takes longer than the whole chain of p
    last = schedule.last_durations([{"notebooks": [{"name": "q_other", "status": "passed", "duration_seconds": 50},
                                                   {"name": "p_first", "status": "passed", "duration_seconds": 5}]},
                                    {"notebooks": [{"name": "q_other", "status": "passed", "duration_seconds": 1}]}])
    assert last == {"q_other": 50.0, "p_first": 5.0}
    rank = schedule.priorities(specs, order, last)
    assert rank["p_first"] == 5 + 1 + 1 and schedule.next_ready(order, set(), prereq, rank) == "q_other"
    assert schedule.next_ready(["r_after_p", "z_after_r"], {"q_other"}, prereq, rank) is None  # p not finished


def test_a_first_run_orders_by_expected_seconds(project: Path) -> None:
    """With no earlier run, conf/runs.yaml's expected_seconds rank the ready notebooks; a last run's durations win."""
    runs = project / "conf" / "runs.yaml"
    runs.write_text(RUNS.replace("  q_other: {}", "  q_other: {expected_seconds: 30}"))
    specs = config.load_runs()
    assert specs["q_other"].expected_seconds == 30 and specs["p_first"].expected_seconds == 0
    order = runner.dependency_order(specs, ["q_other", "p_first", "r_after_p"])
    prereq = schedule.prerequisites(specs, order)
    rank = schedule.priorities(specs, order, {})
    assert rank["q_other"] == 30 and rank["p_first"] == 2  # p: unknown 1 s + r's 1 s
    assert schedule.next_ready(order, set(), prereq, rank) == "q_other"
    rank = schedule.priorities(specs, order, {"q_other": 1.5, "p_first": 4.0})
    assert schedule.next_ready(order, set(), prereq, rank) == "p_first"


# The cell sleeps holding the GIL (a C call through PyDLL), so only the OS can end the kernel (see test_runner.py).
SLOW = ("import ctypes, os, pathlib\n"
        "pathlib.Path(os.environ['CIL_TEST_MARK'] + '.' + str(os.getpid())).write_text('')\n"
        "ctypes.PyDLL(None).sleep(300)")


@pytest.mark.slow
def test_sigterm_kills_every_kernel_of_a_run_side_by_side(project: Path, tmp_path: Path) -> None:
    for name in ("s_one", "s_two"):
        nbh.write_notebook(project / "notebooks" / f"{name}.ipynb", PARAMS, SLOW)
    (project / "conf" / "runs.yaml").write_text(RUNS + "  s_one: {}\n  s_two: {}\n")
    marks = tmp_path / "marks"
    marks.mkdir()
    env = os.environ | {"CIL_TEST_MARK": str(marks / "kernel")}
    proc = subprocess.Popen([sys.executable, "-m", "experiments", "run", "s_one", "s_two", "--jobs", "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    kernels: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 180
        while len(list(marks.iterdir())) < 2:
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "the two slow notebooks never ran together"
            time.sleep(0.3)
        kernels = [psutil.Process(int(p.name.rsplit(".", 1)[1])) for p in marks.iterdir()]
        assert all(k.ppid() == proc.pid for k in kernels)
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=90)[0].decode()
    finally:
        proc.kill()
        for k in kernels:
            if k.is_running():
                k.kill()
    assert proc.returncode == 128 + signal.SIGTERM, out
    for k in kernels:
        assert not k.is_running() or k.status() == psutil.STATUS_ZOMBIE, "a kernel outlived the run"
    reports = project / "reports"
    assert not list(reports.glob(".staging-*")) and not [p for p in reports.iterdir() if p.is_dir()]
