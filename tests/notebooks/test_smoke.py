"""Smoke run of every scheduled notebook through the runner on the tiny company (profile `tiny`).

Checks the run passes end to end, each metrics.json writes exactly the keys conf/runs.yaml documents, and each
HTML report is offline, code-free and under 3 MB. The analyses' correctness is tested against planted truth elsewhere.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from experiments.lab import config, runner
from experiments.lab.metrics import documented_keys, missing_keys, undocumented_keys
from experiments.lab.report.render import MAX_REPORT_BYTES, remote_references

# Personal data that must never reach a report unmasked (masked values keep '*' in place of characters).
EMAIL = re.compile(r"[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[a-z]{2,}")
CN_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")

@pytest.mark.slow
def test_every_scheduled_notebook_runs_on_the_tiny_world(world_env: Path) -> None:
    record = runner.run(profile="tiny")
    failed = {nb["name"]: nb["error"] for nb in record["notebooks"] if nb["status"] != "passed"}
    assert failed == {}
    assert [nb["name"] for nb in record["notebooks"]] == list(config.load_runs())
    run_dir = world_env / record["folder"]
    for nb in record["notebooks"]:
        metrics = json.loads((run_dir / nb["name"] / "metrics.json").read_text())
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
    index = (world_env / "index.html").read_text(encoding="utf-8")
    assert "all " in index and "analyses passed" in index
    for nb in record["notebooks"]:
        assert f'{record["folder"]}/{nb["html"]}' in index
