"""bench/report.py: the benchmark report draws main_<size>.json figures on log-log axes, per notebook, offline.

Checked on two made-up results (not on the committed figures): one chart per measure (wall, CPU, peak memory),
every notebook in the tables, names escaped, the growth exponent between the two largest sizes right (cost x4 for
lines x4 is 1.0), results without per-notebook figures (the old whole-run format) left out, nothing remote.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import report  # noqa: E402

from experiments.lab.report.render import remote_references  # noqa: E402


def _result(size: str, lines: int, scale: float) -> dict:
    nb = {"wall_seconds": 10 * scale, "cpu_seconds": 8 * scale, "peak_rss_mb": 400 * scale ** 0.5}
    return {"size": size, "seed": 42, "order_lines": lines, "generate": dict(nb),
            "notebooks": {"01_data_cleaning": dict(nb), "<b>odd</b>": dict(nb)},
            "run_notebooks": {"wall_seconds": 20 * scale, "cpu_seconds": 16 * scale, "peak_rss_mb": 400},
            "load_average_1min": 3.5}


def test_report_draws_every_measure_per_notebook(tmp_path):
    (tmp_path / "main_small.json").write_text(json.dumps(_result("small", 100_000, 1.0)))
    (tmp_path / "main_large.json").write_text(json.dumps(_result("large", 400_000, 4.0)))
    old = {"size": "medium", "generate": {}, "run_notebooks": {"wall_seconds": 5}}  # whole-run only: left out
    (tmp_path / "main_medium.json").write_text(json.dumps(old))
    results = report.load_results(tmp_path)
    assert [r["size"] for r in results] == ["small", "large"]
    steps = report.series(results)
    assert report.exponent(steps["01_data_cleaning"], "wall_seconds") == 1.0
    assert abs(report.exponent(steps["01_data_cleaning"], "peak_rss_mb") - 0.5) < 1e-9
    out = report.main(["--results", str(tmp_path)])
    page = out.read_text(encoding="utf-8")
    assert out == tmp_path / "index.html"
    assert page.count("<svg") == 3 and "log" in page
    assert "01_data_cleaning" in page and "&lt;b&gt;odd&lt;/b&gt;" in page and "<b>odd</b>" not in page
    assert "400,000 lines" in page and "1.00" in page
    assert remote_references(page) == []


def test_report_without_results_says_how_to_make_them(tmp_path):
    page = report.main(["--results", str(tmp_path)]).read_text(encoding="utf-8")
    assert "bench/bench_main.py --size small" in page and "<svg" not in page


def test_a_whole_run_with_kernel_peaks_gives_the_per_notebook_points(tmp_path):
    def whole(lines: int, scale: float, jobs: int) -> dict:
        nbs = {"01_data_cleaning": {"status": "passed", "started_seconds": 0, "duration_seconds": 10 * scale,
                                    "kernel_peak_rss_mb": 100 * scale}}
        return {"size": "x", "order_lines": lines, "generate": None, "load_average_1min": 1.0,
                "whole": {"wall_seconds": 11 * scale, "cpu_seconds": 9 * scale, "peak_rss_mb": 120 * scale,
                          "jobs": jobs, "critical_path": ["01_data_cleaning"], "critical_path_seconds": 10 * scale,
                          "load_average_1min_before": 0.5, "load_average_1min_after": 1.0, "notebooks": nbs}}
    (tmp_path / "main_large.json").write_text(json.dumps(dict(whole(1_000_000, 1.0, 2), size="large")))
    (tmp_path / "main_xlarge.json").write_text(json.dumps(dict(whole(10_000_000, 10.0, 1), size="xlarge")))
    results = report.load_results(tmp_path)
    steps = report.series(results)
    assert report.exponent(steps["01_data_cleaning"], "wall_seconds") == 1.0  # 10x lines, 10x seconds
    assert report.exponent(steps["01_data_cleaning"], "peak_rss_mb") == 1.0
    page = report.main(["--results", str(tmp_path)]).read_text(encoding="utf-8")
    assert "one at a time (jobs 1)" in page and "<td>met: wall ≤ 2400 s" in page  # 110 s, 1,200 MB
