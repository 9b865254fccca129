"""The Monday front page: scheduled results apart from ad-hoc runs, trends, what changed, retention.

The end-to-end test builds a throwaway project (CIL_ROOT) whose one notebook reads a production file set in
conf/params base, makes three scheduled runs with the file changed between them and two ad-hoc runs in between,
and reads the index, the digest and the run folders; the other tests check the pure functions on records written
by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import nbbuild_helper as nbh
from experiments.lab import runner
from experiments.lab.report import history
from experiments.lab.report.index import render_index

PARAMS = 'input_path = ""  # the table\nn = 3  # unused\noutput_dir = ""  # run folder'
BODY = ("import pandas as pd\nfrom experiments.lab.metrics import write_metrics\n"
        "df = pd.read_csv(input_path)\n"
        "write_metrics({'n_rows': len(df), 'mean_value': float(df['v'].mean()),\n"
        "               'verdict': 'ship' if df['v'].mean() > 2 else 'keep running'}, output_dir)")


def _write_data(path: Path, values: list[int]) -> None:
    path.write_text("v\n" + "".join(f"{v}\n" for v in values), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = nbh.make_project(tmp_path / "proj", monkeypatch, {"sales": (PARAMS, BODY)},
                            "keep_runs: {scheduled: 2, adhoc: 1}\nnotebooks:\n"
                            "  sales: {title: Sales, headline: {n_rows: Orders, mean_value: Mean order, verdict: "
                            "Verdict}}\n")
    (root / "conf" / "params" / "sales.yaml").write_text(f"base:\n  input_path: {root / 'prod.csv'}\n")
    return root


@pytest.mark.slow
def test_three_scheduled_runs_and_two_adhoc_runs(project: Path) -> None:
    reports = project / "reports"
    _write_data(project / "prod.csv", [1, 2, 3] * 10)  # 30 orders, mean 2.0
    first = runner.run()
    _write_data(project / "mine.csv", [9] * 94)
    adhoc_1 = runner.run(["sales"], cli_overrides=[f"input_path={project / 'mine.csv'}"])
    _write_data(project / "prod.csv", [1, 2, 3] * 20)  # 60 orders
    second = runner.run()
    adhoc_2 = runner.run(cli_overrides=["n=5"])
    _write_data(project / "prod.csv", [2, 3, 4] * 40)  # 120 orders, mean 3.0: the verdict flips to ship
    third = runner.run()
    assert [r["kind"] for r in (first, adhoc_1, second, adhoc_2, third)] == [
        "scheduled", "adhoc", "scheduled", "adhoc", "scheduled"]

    index = (reports / "index.html").read_text(encoding="utf-8")
    cards, _, rest = index.partition("<h2>Ad-hoc runs</h2>")
    # the front page opens on the latest scheduled figures, not on the ad-hoc run of 94 rows
    assert "Latest scheduled run" in cards and "<dd>120" in cards and "<dd>94" not in cards
    assert "▲ 100% since the previous run (was 60)" in cards  # 60 -> 120 orders
    assert cards.count("<svg") == 2 and len(re.findall(r"<polyline[^>]*points=\"([^\"]+)\"", cards)[0].split()) == 2
    # the digest in words, on the page and in the run folder for a scheduler to mail
    digest = (reports / third["folder"] / "digest.md").read_text(encoding="utf-8")
    for text in (digest, index):
        assert "Sales — Orders: 120, up 100% (was 60)" in text
        assert "Sales — Verdict: changed from keep running to ship" in text
    # ad-hoc runs have their own section, their input file named; retention kept one of them (keep_runs adhoc: 1)
    assert "mine.csv" not in rest and "n=5" in rest
    # retention: two scheduled runs kept, the first removed; the older ad-hoc run removed
    left = sorted(p.name for p in reports.iterdir() if p.is_dir())
    assert left == sorted([second["folder"], adhoc_2["folder"], third["folder"]])
    assert not (reports / adhoc_1["folder"]).exists() and not (reports / first["folder"]).exists()


def _record(folder: str, status: str, metrics: dict, kind: str = "scheduled", error: str = "") -> dict:
    return {"folder": folder, "started_at": folder, "kind": kind, "status": status, "notebooks": [
        {"name": "churn", "title": "Churn", "status": status, "metrics": metrics, "error": error,
         "headline": [["n_contacted", "Customers to call"], ["auc", "AUC"]], "html": "churn/churn.html"}]}


def test_a_failed_analysis_keeps_its_last_good_figures_dated_and_its_error_masked() -> None:
    runs = [_record("2026-12-07", "failed", {}, error="ValueError: bad phone 13800138000 in row 4"),
            _record("2026-11-30", "passed", {"n_contacted": 1169, "auc": 0.81, "auc_low": 0.78, "auc_high": 0.84}),
            _record("2026-11-23", "passed", {"n_contacted": 1044, "auc": 0.80})]
    page = render_index(runs)
    assert "failed in the run of 2026-12-07" in page and "13800138000" not in page and "13*******00" in page
    assert "Figures below are the last good ones, from 2026-11-30." in page
    assert "<dd>1,169" in page and "interval 0.78 to 0.84" in page
    assert "▲ 12% since the previous run (was 1,044)" in page  # 1169 / 1044 - 1 = 11.97%
    # the failed run is kept, and so is the last good one, however small keep_runs is
    assert history.folders_to_remove(runs, keep_scheduled=1, keep_adhoc=0) == ["2026-11-23"]


def test_an_unusual_change_is_one_beyond_twice_the_usual_spread() -> None:
    values = [100, 102, 99, 101, 100, 130]  # run-to-run changes +2, -3, +2, -1 (rms 2.12); then +30
    runs = [_record(f"r{i}", "passed", {"n_contacted": v}) for i, v in enumerate(values)][::-1]
    ch = history.change(runs, "churn", "n_contacted", "Customers to call")
    assert ch.now == 130 and ch.before == 100 and ch.unusual
    calm = [_record(f"r{i}", "passed", {"n_contacted": v}) for i, v in enumerate(values[:-1] + [103])][::-1]
    assert not history.change(calm, "churn", "n_contacted", "x").unusual  # +3 is within 2 x 2.12
    few = [_record(f"r{i}", "passed", {"n_contacted": v}) for i, v in enumerate([1, 2, 50])][::-1]
    assert not history.change(few, "churn", "n_contacted", "x").unusual  # two earlier changes: no spread yet
    steady = [_record(f"r{i}", "passed", {"n_contacted": 100 + 5 * i}) for i in range(6)][::-1]
    assert not history.change(steady, "churn", "n_contacted", "x").unusual  # the same +5 step as every week


def test_runs_are_classified_by_selection_overrides_and_profile() -> None:
    assert history.classify([], [], None) == "scheduled"
    assert history.classify([], [], "small") == "scheduled"
    assert history.classify(["04_churn_prediction"], [], None) == "adhoc"
    assert history.classify([], ["alpha=0.01"], "small") == "adhoc"
    assert history.classify([], [], "telco") == "adhoc"  # a profile that points notebooks at another file
    old = {"profile": "tiny", "cli_overrides": [], "notebooks": []}  # written before kinds were recorded
    assert history.kind_of(old) == "scheduled"
