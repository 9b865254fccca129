"""The runner: parameter validation before execution, failure isolation, dependency skips, atomic publishing.

Each test builds a throwaway project (CIL_ROOT) with small notebooks so the behaviour is checked end to end with
real papermill kernels, without the analysis notebooks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nbbuild_helper as nbh
from experiments.lab import config, runner
from experiments.lab.report.render import MAX_REPORT_BYTES, remote_references

PARAMS = 'n = 3  # how many\nlabel = "x"  # a label\noutput_dir = ""  # run folder'
WRITE = ("from experiments.lab.metrics import write_metrics\n"
         "write_metrics({'n_squared': n * n, 'label': label}, output_dir)")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "proj"
    (root / "conf").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname='demo'\n")
    nbh.write_notebook(root / "notebooks" / "a_ok.ipynb", PARAMS, "import pandas as pd\npd.DataFrame({'v': [n]})",
                       WRITE)
    nbh.write_notebook(root / "notebooks" / "b_boom.ipynb", PARAMS, "raise RuntimeError('planted failure')")
    nbh.write_notebook(root / "notebooks" / "c_after_boom.ipynb", PARAMS, WRITE)
    nbh.write_notebook(root / "notebooks" / "d_independent.ipynb", PARAMS, WRITE)
    (root / "conf" / "runs.yaml").write_text(
        "notebooks:\n"
        "  d_independent: {title: Independent, headline: [n_squared]}\n"
        "  c_after_boom: {depends_on: [b_boom]}\n"
        "  b_boom: {}\n"
        "  a_ok: {title: First, headline: {n_squared: Squared count}}\n")
    monkeypatch.setenv("CIL_ROOT", str(root))
    monkeypatch.setenv("CIL_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("CIL_REPORTS_DIR", str(root / "reports"))
    return root


def test_dependency_order_puts_dependencies_first(project: Path) -> None:
    specs = config.load_runs()
    order = runner.dependency_order(specs, ["c_after_boom", "a_ok", "b_boom"])
    assert order.index("b_boom") < order.index("c_after_boom")


def test_unknown_parameter_is_rejected_before_anything_runs(project: Path) -> None:
    with pytest.raises(config.ParameterError, match="a_ok: unknown parameter 'nn'"):
        runner.run(["a_ok"], cli_overrides=["a_ok.nn=4"])
    with pytest.raises(config.ParameterError, match="parameter 'n' .* expects int"):
        runner.run(["a_ok"], cli_overrides=["n=four"])
    assert not (project / "reports").exists() or not any((project / "reports").iterdir())


def test_failure_is_reported_and_independent_notebooks_still_run(project: Path) -> None:
    record = runner.run(cli_overrides=["n=4", "d_independent.label=indep"], kind="scheduled")
    status = {nb["name"]: nb for nb in record["notebooks"]}
    assert status["b_boom"]["status"] == "failed"
    assert "RuntimeError: planted failure" in status["b_boom"]["error"]
    assert status["c_after_boom"]["status"] == "skipped"
    assert status["a_ok"]["status"] == "passed" and status["a_ok"]["metrics"] == {"n_squared": 16, "label": "x"}
    assert status["d_independent"]["metrics"]["label"] == "indep"
    assert record["status"] == "failed"
    run_dir = project / "reports" / record["folder"]
    # the failed notebook is kept, executed up to the error, and rendered for inspection
    assert (run_dir / "b_boom" / "b_boom.ipynb").is_file()
    assert "planted failure" in (run_dir / "b_boom" / "b_boom.html").read_text()
    html = (run_dir / "a_ok" / "a_ok.html").read_text()
    assert "import pandas" not in html and "<table" in html  # code hidden, outputs shown
    assert remote_references(html) == []
    index = (project / "reports" / "index.html").read_text()
    assert "status-failed" in index and "n_squared" in index and "Independent" in index
    assert '<dt title="n_squared">Squared count</dt><dd>16</dd>' in index  # headline label from conf/runs.yaml


def test_cli_exit_status_is_nonzero_when_a_notebook_fails(project: Path) -> None:
    from experiments.lab import cli

    assert cli.main(["run", "a_ok"]) == 0
    assert cli.main(["run", "b_boom", "a_ok"]) == 1
    assert cli.main(["run", "a_ok", "-p", "bogus=1"]) == 2
    assert cli.main(["run", "nope"]) == 2


def test_crash_before_publish_leaves_previous_reports_intact(project: Path) -> None:
    first = runner.run(["a_ok"])
    reports = project / "reports"
    index_before = (reports / "index.html").read_bytes()

    def crash(staging: Path) -> None:
        assert (staging / "a_ok" / "metrics.json").is_file()  # the new run was fully written ...
        raise KeyboardInterrupt("killed mid-run")  # ... but dies before it is published

    with pytest.raises(KeyboardInterrupt):
        runner.run(["a_ok"], cli_overrides=["n=5"], before_publish=crash)
    assert sorted(p.name for p in reports.iterdir()) == sorted([first["folder"], "index.html"])
    assert (reports / "index.html").read_bytes() == index_before
    assert json.loads((reports / first["folder"] / "a_ok" / "metrics.json").read_text())["n_squared"] == 9


def test_unpublished_staging_folder_is_never_listed(project: Path) -> None:
    from experiments.lab.report.index import load_runs

    runner.run(["a_ok"])
    staging = project / "reports" / ".staging-20990101-000000"
    staging.mkdir()
    (staging / "run.json").write_text(json.dumps({"status": "passed", "started_at": "2099"}))
    assert all(not r["folder"].startswith(".") for r in load_runs(project / "reports"))


def test_index_formats_numbers_for_people() -> None:
    from experiments.lab.report.index import format_duration, format_metric

    assert format_metric("conversions_rel_lift", 0.07498) == "+7.5%"
    assert format_metric("rows_in", 228225) == "228,225"
    assert format_metric("conversions_p_value", 0.000759) == "0.000759"
    assert format_metric("er_f1", 0.98876) == "0.9888"
    assert format_metric("verdict", "ship") == "ship" and format_metric("srm_p_value", None) == "—"
    assert format_duration(134.2) == "2 min 14 s" and format_duration(8.34) == "8.3 s"


# --- unknown profile, size budget, signals and kernels (issue 8) ---------------------------------------------------

def test_unknown_profile_is_an_error_naming_it_and_the_known_ones(project: Path) -> None:
    from experiments.lab import cli

    (project / "conf" / "params").mkdir()
    (project / "conf" / "params" / "a_ok.yaml").write_text("profiles: {demo: {n: 2}}\n")
    # issue 8: a misspelled --profile was silently ignored (the run used the defaults)
    with pytest.raises(config.ParameterError, match=r"unknown profile 'tny'.*known profiles: tiny, small, medium, "
                                                   r"large, xlarge, demo"):
        runner.run(["a_ok"], profile="tny")
    assert cli.main(["run", "a_ok", "--profile", "dmeo"]) == 2
    assert not (project / "reports").exists() or not any((project / "reports").iterdir())
    specs = config.load_runs()
    config.check_profile([specs["a_ok"]], "demo")  # defined in a_ok.yaml
    config.check_profile([specs["b_boom"]], "large")  # a world size is always accepted
    with pytest.raises(config.ParameterError, match="unknown profile 'demo'"):
        config.check_profile([specs["b_boom"]], "demo")  # defined only for a notebook that is not selected


def test_report_over_the_size_budget_is_marked_on_the_index(project: Path) -> None:
    # issue 8: a 200,000-character label printed in a report made a 7 MB page whose index card still said "passed"
    nbh.write_notebook(project / "notebooks" / "e_big.ipynb", PARAMS,
                       "label = 'A' * 200_000\nfor _ in range(20):\n    print(label)", WRITE)
    with (project / "conf" / "runs.yaml").open("a") as fh:
        fh.write("  e_big: {title: Big}\n")
    record = runner.run(["e_big", "a_ok"], kind="scheduled")
    big = {nb["name"]: nb for nb in record["notebooks"]}["e_big"]
    assert big["status"] == "passed" and big["report_bytes"] > MAX_REPORT_BYTES  # 20 x 200,000 chars > 3 MiB
    assert big["warnings"] == [f"report over size budget: {big['report_bytes'] / 2**20:.1f} MB > 3.0 MB"]
    assert {nb["name"]: nb for nb in record["notebooks"]}["a_ok"]["warnings"] == []
    index = (project / "reports" / "index.html").read_text()
    card = index[index.index("<h3>Big</h3>"):].split('<div class="card">')[0]
    assert 'class="status status-warning"' in card and ">report over size budget</span>" in card
    assert "all 2 analyses passed (1 report over the size budget)" in index


# The slow cell holds the GIL while it sleeps (a C call through PyDLL), like a long fit in C code: ipykernel's own
# parent poller (a Python thread checking every second) cannot run then, so only the OS can end the kernel.
SLOW = ("import ctypes, os, pathlib\npathlib.Path(os.environ['CIL_TEST_MARK']).write_text(str(os.getpid()))\n"
        "ctypes.PyDLL(None).sleep(300)")


def _previous_run(reports: Path) -> bytes:
    """Publish a fake earlier run and the index, and return the index bytes."""
    from experiments.lab.report.index import write_index

    (reports / "20200101-000000").mkdir(parents=True)
    (reports / "20200101-000000" / "run.json").write_text(json.dumps(
        {"status": "passed", "started_at": "2020-01-01 00:00 UTC", "notebooks": []}))
    return write_index(reports).read_bytes()


def _start_slow_run(project: Path, tmp_path: Path, **popen: object):
    import os
    import subprocess
    import sys
    import time

    import psutil

    nbh.write_notebook(project / "notebooks" / "s_slow.ipynb", PARAMS, SLOW)
    with (project / "conf" / "runs.yaml").open("a") as fh:
        fh.write("  s_slow: {timeout_seconds: 600}\n")
    mark = tmp_path / "kernel.pid"
    env = os.environ | {"CIL_TEST_MARK": str(mark)}
    proc = subprocess.Popen([sys.executable, "-m", "experiments", "run", "s_slow"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **popen)
    deadline = time.monotonic() + 180
    while not mark.is_file() or not mark.read_text():
        assert proc.poll() is None, proc.stdout.read().decode()
        assert time.monotonic() < deadline, "the slow notebook never started"
        time.sleep(0.3)
    kernel = psutil.Process(int(mark.read_text()))
    assert kernel.ppid() == proc.pid  # the kernel runs the slow cell, started by the runner ...
    assert os.getsid(kernel.pid) != os.getsid(proc.pid)  # ... in a session of its own (jupyter_client does that)
    return proc, kernel


def _gone(process, seconds: float = 20) -> bool:
    import time

    import psutil

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.2)
    return False


def _ensure_dead(process) -> None:
    import contextlib

    import psutil

    with contextlib.suppress(psutil.NoSuchProcess):
        process.kill()


@pytest.mark.slow
def test_sigterm_removes_staging_and_kernel_and_leaves_reports(project: Path, tmp_path: Path) -> None:
    import signal

    reports = project / "reports"
    index_before = _previous_run(reports)
    proc, kernel = _start_slow_run(project, tmp_path)
    try:
        assert len(list(reports.glob(".staging-*"))) == 2  # the run's folder and its lock
        proc.send_signal(signal.SIGTERM)  # issue 8: SIGTERM left a .staging-* folder behind
        out = proc.communicate(timeout=60)[0].decode()
    finally:
        proc.kill()
        _ensure_dead(kernel)
    assert proc.returncode == 128 + signal.SIGTERM, out
    assert "run interrupted by SIGTERM" in out
    assert _gone(kernel), "the kernel outlived the runner"
    assert sorted(p.name for p in reports.iterdir()) == ["20200101-000000", "index.html"]
    assert (reports / "index.html").read_bytes() == index_before


@pytest.mark.slow
def test_kill_of_the_process_group_takes_the_kernel_and_next_run_cleans_up(project: Path, tmp_path: Path) -> None:
    import os
    import signal

    reports = project / "reports"
    index_before = _previous_run(reports)
    proc, kernel = _start_slow_run(project, tmp_path, start_new_session=True)
    try:
        # issue 8: the kernel runs in a session of its own, so a kill of the runner's group missed it
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert _gone(kernel), "the kernel outlived a SIGKILL of the runner's process group"
    finally:
        _ensure_dead(kernel)
    leftovers = sorted(p.name for p in reports.glob(".staging-*"))
    assert len(leftovers) == 2  # SIGKILL cannot be handled: the folder and its lock stay ...
    assert runner.remove_stale_staging(reports) == [leftovers[0]]  # ... until the next run starts
    assert sorted(p.name for p in reports.iterdir()) == ["20200101-000000", "index.html"]
    assert (reports / "index.html").read_bytes() == index_before


def test_next_run_removes_only_staging_folders_whose_run_is_gone(tmp_path: Path) -> None:
    dead = tmp_path / ".staging-20990101-000000"
    (dead / "a").mkdir(parents=True)  # left by a killed run: no lock held
    (tmp_path / ".staging-20990101-000000.lock").write_text("pid 1\n")
    live = tmp_path / ".staging-20990101-000001"
    held = runner._lock_staging(live)  # a run that is still going holds its lock
    live.mkdir()
    try:
        assert runner.remove_stale_staging(tmp_path) == [dead.name]
        assert not dead.exists() and not (tmp_path / f"{dead.name}.lock").exists()
        assert live.is_dir()
    finally:
        runner._release_staging(live, held)
    assert list(tmp_path.iterdir()) == []


def test_runs_after_orders_without_requiring(project: Path) -> None:
    """``runs_after`` puts a notebook after another one but still runs it when that one fails (``depends_on`` skips)."""
    runs = project / "conf" / "runs.yaml"
    runs.write_text(runs.read_text() + "  e_soft: {runs_after: [b_boom]}\n")
    nbh.write_notebook(project / "notebooks" / "e_soft.ipynb", PARAMS, WRITE)
    specs = config.load_runs()
    assert runner.dependency_order(specs, ["e_soft", "b_boom"]) == ["b_boom", "e_soft"]
    record = runner.run(["e_soft", "b_boom", "c_after_boom"], cli_overrides=["n=2"])
    status = {nb["name"]: nb["status"] for nb in record["notebooks"]}
    assert status == {"b_boom": "failed", "e_soft": "passed", "c_after_boom": "skipped"}


def test_kernels_see_the_run_id(project: Path) -> None:
    """The runner hands its run id to the kernels (``CIL_RUN_ID``): tables they publish record the run."""
    nbh.write_notebook(project / "notebooks" / "a_ok.ipynb", PARAMS,
                       "import os\nfrom experiments.lab.metrics import write_metrics\n"
                       "write_metrics({'n_squared': n * n, 'label': os.environ['CIL_RUN_ID']}, output_dir)")
    record = runner.run(["a_ok"])
    # and the publishing scrub leaves a run id alone (it masked 20261204-171302 as a phone number before)
    assert record["notebooks"][0]["metrics"]["label"] == record["run_id"]
    assert "CIL_RUN_ID" not in __import__("os").environ
