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
from experiments.lab.report.render import remote_references

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
    record = runner.run(cli_overrides=["n=4", "d_independent.label=indep"])
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
