"""Smoke run of every scheduled notebook through the runner on the tiny company (profile `tiny`).

Checks the run passes end to end, each metrics.json writes exactly the keys conf/runs.yaml documents, every value
equals the stored one in tests/notebooks/expected/tiny.json within a tolerance (as microsoft/recommenders' smoke
tests do: a refactoring that moves a number fails here), and each HTML report is offline, code-free and under 3 MB.
The analyses' correctness is tested against planted truth elsewhere. A change meant to move a number updates the
stored values with tools/expected_metrics.py and names the keys in its commit.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from experiments.lab import config, runner
from experiments.lab.metrics import documented_keys, missing_keys, undocumented_keys
from experiments.lab.report.render import MAX_REPORT_BYTES, remote_references

EXPECTED = Path(__file__).parent / "expected"
#: Relative tolerance of a stored number: the runs are seeded, so only floating-point noise across BLAS builds moves.
REL_TOL = 1e-4


def _load_expected_tools():
    import importlib.util

    spec = importlib.util.spec_from_file_location("expected_metrics", Path(__file__).parents[2] / "tools" /
                                                  "expected_metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def metric_differences(actual: dict, expected: dict, rel: float = REL_TOL) -> list[str]:
    """Return one line per stored key whose value moved (numbers beyond ``rel``, anything else when not equal)."""
    out = []
    stable = _load_expected_tools().stable
    for key, want in sorted(stable(expected).items()):
        got = actual.get(key, "<missing>")
        if isinstance(want, int | float) and not isinstance(want, bool) and isinstance(got, int | float):
            if got != pytest.approx(want, rel=rel, abs=1e-12):
                out.append(f"{key}: {got!r} != stored {want!r}")
        elif got != want:
            out.append(f"{key}: {got!r} != stored {want!r}")
    out += [f"{key}: new key {actual[key]!r} not stored" for key in sorted(set(stable(actual)) - set(expected))]
    return out


def test_metric_differences_catches_a_moved_number() -> None:
    stored = {"n": 10, "auc": 0.8, "verdict": "ship", "fit_seconds_als": 1.0}
    assert metric_differences({"n": 10, "auc": 0.8000001, "verdict": "ship", "fit_seconds_als": 9.0}, stored) == []
    assert metric_differences({"n": 11, "auc": 0.81, "verdict": "wait", "extra": 1}, stored) == [
        "auc: 0.81 != stored 0.8", "n: 11 != stored 10", "verdict: 'wait' != stored 'ship'",
        "extra: new key 1 not stored"]


# Personal data that must never reach a report unmasked (masked values keep '*' in place of characters).
EMAIL = re.compile(r"[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[a-z]{2,}")
CN_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")

@pytest.mark.slow
def test_every_scheduled_notebook_runs_on_the_tiny_world(world_env: Path) -> None:
    record = runner.run(profile="tiny")
    failed = {nb["name"]: nb["error"] for nb in record["notebooks"] if nb["status"] != "passed"}
    assert failed == {}
    specs = config.load_runs()  # every scheduled notebook ran, in dependency order (08 runs after 09)
    assert [nb["name"] for nb in record["notebooks"]] == runner.dependency_order(specs, list(specs))
    run_dir = world_env / record["folder"]
    stored = json.loads((EXPECTED / "tiny.json").read_text(encoding="utf-8"))
    moved = {}
    for nb in record["notebooks"]:
        metrics = json.loads((run_dir / nb["name"] / "metrics.json").read_text())
        moved[nb["name"]] = metric_differences(metrics, stored.get(nb["name"], {}))
        documented = documented_keys(nb["name"])  # conf/runs.yaml `metrics:`, the one list of public keys
        assert documented, f"{nb['name']}: conf/runs.yaml documents no metrics.json keys"
        assert undocumented_keys(metrics, documented) == [], f"{nb['name']}: keys written but not documented"
        assert missing_keys(metrics, documented, "company") == [], f"{nb['name']}: documented keys not written"
        html_path = run_dir / nb["html"]
        html = html_path.read_text(encoding="utf-8")
        assert html_path.stat().st_size < MAX_REPORT_BYTES, f"{nb['name']}: report over 3 MB"
        assert remote_references(html) == [], f"{nb['name']}: report loads from the network"
        assert "run.finish(" not in html and "import " not in html, f"{nb['name']}: code shown in the report"
        assert "<img" in html, f"{nb['name']}: report has no chart"
        text = re.sub(r'src="data:[^"]+"', "", html)  # embedded images are base64, not text
        assert EMAIL.findall(text) == [], f"{nb['name']}: unmasked email in the report"
        assert CN_MOBILE.findall(text) == [], f"{nb['name']}: unmasked phone number in the report"
    moved = {name: lines for name, lines in moved.items() if lines}
    assert moved == {}, ("metrics moved against tests/notebooks/expected/tiny.json; if meant, run "
                         "tools/expected_metrics.py on this run and name the keys in the commit")
    index = (world_env / "index.html").read_text(encoding="utf-8")
    assert "all " in index and "analyses passed" in index
    for nb in record["notebooks"]:
        assert f'{record["folder"]}/{nb["html"]}' in index
