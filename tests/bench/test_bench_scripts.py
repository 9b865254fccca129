"""The benchmark scripts still run: each at size tiny on its own data folder, its figures written through
``bench_common`` into a temporary results folder (never over the committed ``bench/results``).

A benchmark is only run by hand or by ``make bench``, so nothing else would notice one broken by an API change.
The figures are checked for shape and sense (the size asked for, positive times and memory, the counts the
script reports), not for speed: speed is what the scripts measure, at large.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bench")]

# script -> (results file, keys that must be positive numbers)
SCRIPTS = {
    "bench_generate.py": ("generate_tiny", ["wall_seconds", "order_lines", "persons"]),
    "bench_cleaning.py": ("cleaning_tiny", ["wall_seconds", "rows_in", "customer_records"]),
    "bench_segments.py": ("segments_tiny", ["segment_seconds", "customers", "transactions"]),
    "bench_churn.py": ("churn_tiny", ["full_analysis_seconds", "customers_modelled", "features"]),
    "bench_recommend.py": ("recommend_tiny", ["als_fit_seconds", "users", "items", "list_rows"]),
    "bench_service.py": ("service_tiny", ["wall_seconds", "contacts"]),
    "bench_abtest.py": ("abtest_tiny", ["analyse_seconds", "units", "units_analysed"]),
    "bench_feedback.py": ("feedback_tiny", ["wall_seconds", "bertopic_import_seconds_cold_process"]),
    "bench_er_blocks.py": ("er_blocks_tiny", ["customer_records", "persons", "distinct_name_keys"]),
}


@pytest.fixture(scope="module")
def bench_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One data folder (the cached tiny world is built once, then shared) and one results folder."""
    base = tmp_path_factory.mktemp("bench")
    return {**os.environ, "CIL_DATA_DIR": str(base / "data"), "CIL_BENCH_RESULTS": str(base / "results"),
            "OPENBLAS_NUM_THREADS": "1"}


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_benchmark_script_runs_at_tiny_and_writes_its_figures(script: str, bench_env: dict[str, str]) -> None:
    name, positive = SCRIPTS[script]
    committed = {p.name: p.stat().st_mtime_ns for p in (ROOT / "bench" / "results").glob("*.json")}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), "--size", "tiny", "--seed", "7"],
                          cwd=ROOT, env=bench_env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads((Path(bench_env["CIL_BENCH_RESULTS"]) / f"{name}.json").read_text(encoding="utf-8"))
    assert out["size"] == "tiny" and out["seed"] == 7
    assert out["peak_rss_mb"] > 50  # a Python process with pandas loaded: tens of MB at least
    assert out["cpu_count"] == os.cpu_count()
    # the load is recorded with every figure (timings on a shared machine mean little without it)
    assert isinstance(out["load_average_1min"], float) and abs(out["load_average_1min"] - os.getloadavg()[0]) < 20
    for key in positive:
        assert isinstance(out[key], int | float) and out[key] > 0, (key, out[key])
    after = {p.name: p.stat().st_mtime_ns for p in (ROOT / "bench" / "results").glob("*.json")}
    assert after == committed, "a test run must not write into the committed bench/results"
