"""08's block provenance (issue 21): a published table carries the runner's run id and the time of the run that
published it (``data.processed`` records them in ``_provenance.json``), not the file's fingerprint and mtime.

The runner holds ``<reports>/.staging-<run_id>.lock`` naming its pid while a run is live, and a notebook's kernel is
its child; here the test process plays the runner and a child Python process publishes, as a kernel would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from experiments.data import processed
from experiments.profile import sources

RUN_ID = "20990101-120000"
PUBLISH = textwrap.dedent("""
    import pandas as pd
    from experiments.data import processed
    processed.publish({"recommendations": pd.DataFrame({"customer_id": ["C1"], "rank": [1], "item_id": ["I1"],
                                                        "reason": ["x"], "source": ["als"]})})
""")


@pytest.fixture()
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CIL_REPORTS_DIR", str(tmp_path / "reports"))
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / ".staging-20990101-000000.lock").write_text("pid 1\n")  # another live run
    (tmp_path / "reports" / f".staging-{RUN_ID}.lock").write_text(f"pid {os.getpid()}\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    subprocess.run([sys.executable, "-c", PUBLISH], check=True, env=env, timeout=120)
    return tmp_path


def test_a_table_published_by_a_run_names_that_run_and_the_profile_shows_it(world: Path) -> None:
    current = (world / "data" / "processed").resolve()
    entry = processed.provenance(current)["recommendations"]
    assert entry["run_id"] == RUN_ID and entry["version"] == current.name
    src = sources.read_table("recommendations", "", max_age_days=30)
    assert src.run_id == RUN_ID and src.run_time == entry["published_at"] and src.usable


def test_carried_tables_keep_their_run_and_a_publish_outside_the_runner_is_not_recorded(world: Path) -> None:
    before = processed.provenance((world / "data" / "processed").resolve())["recommendations"]
    frame = pd.DataFrame({"customer_id": ["C1"], "rank": [1], "item_id": ["I2"], "reason": ["y"], "source": ["x"]})
    new = processed.publish({"extra_table": frame})  # this process is no kernel of a live run
    after = processed.provenance(new)
    assert after["recommendations"] == before  # carried over with its own run
    assert after["extra_table"]["run_id"] == ""
    processed.publish({"recommendations": frame})
    src = sources.read_table("recommendations", "", max_age_days=30)
    assert src.run_id == sources.NOT_RECORDED  # never the file's fingerprint dressed up as a run id


def test_a_version_without_provenance_falls_back_to_the_file_time(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CIL_REPORTS_DIR", str(tmp_path / "reports"))
    folder = tmp_path / "data" / "processed"  # a plain folder from before provenance was recorded
    folder.mkdir(parents=True)
    pd.DataFrame({"customer_id": ["C1"], "rank": [1], "item_id": ["I1"], "reason": ["x"], "source": ["als"]}
                 ).to_parquet(folder / "recommendations.parquet")
    old = pd.Timestamp("2025-01-02 03:04:05", tz="UTC").timestamp()
    os.utime(folder / "recommendations.parquet", (old, old))
    src = sources.read_table("recommendations", "", max_age_days=30)
    assert src.run_id == sources.NOT_RECORDED and src.run_time == "2025-01-02 03:04:05" and src.status == "stale"
