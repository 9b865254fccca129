"""bench_main.py --whole: the critical path read from a run.json, and the report drawing a whole-run result.

Checked on made-up run records (no run is executed here): the chain follows conf/runs.yaml's depends_on and
runs_after back from the notebook that ended last, and report.py shows the whole run beside the isolated figures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import bench_main  # noqa: E402
import report  # noqa: E402


def _nb(name: str, start: float, seconds: float) -> dict:
    return {"name": name, "status": "passed", "started_seconds": start, "duration_seconds": seconds}


RECORD = {"notebooks": [_nb("00_data_overview", 0, 18), _nb("01_data_cleaning", 0, 60),
                        _nb("02_customer_segmentation", 60, 23), _nb("05_feedback_topics_sentiment", 60, 31),
                        _nb("03_recommendations", 83, 81), _nb("07_service_operations", 91, 11),
                        _nb("04_churn_prediction", 164, 48), _nb("06_ad_ab_analysis", 206, 18),
                        _nb("09_next_best_action", 102, 104), _nb("08_customer_360", 212, 24)],
          "duration_seconds": 236, "status": "passed", "jobs": 2}


def test_critical_path_walks_back_from_the_last_notebook_through_what_it_waited_for() -> None:
    # 08 ended last (236); it waited for 02-05, 07 and 09, of which 04 ended last (212); 04 waited for 02 (83), 05 (91)
    # and 07 (102): 07; 07 for 05; 05 for 01. 09 (ended 206) and 06 (224) are off the path.
    assert bench_main.critical_path(RECORD) == ["01_data_cleaning", "05_feedback_topics_sentiment",
                                                "07_service_operations", "04_churn_prediction", "08_customer_360"]


def test_report_shows_the_whole_run_beside_the_isolated_figures(tmp_path: Path) -> None:
    figures = {"wall_seconds": 10.0, "cpu_seconds": 8.0, "peak_rss_mb": 400}
    isolated = {"size": "large", "order_lines": 1_000_000, "generate": dict(figures),
                "notebooks": {"01_data_cleaning": dict(figures)}, "run_notebooks": dict(figures),
                "load_average_1min": 3.0}
    whole = {"wall_seconds": 230.5, "cpu_seconds": 380.0, "peak_rss_mb": 3100, "jobs": 2,
             "load_average_1min_before": 2.0, "load_average_1min_after": 2.5, "sum_of_notebook_seconds": 400.0,
             "critical_path": ["01_data_cleaning", "<i>x</i>"], "critical_path_seconds": 200.0}
    (tmp_path / "main_large_isolated.json").write_text(json.dumps(isolated))
    (tmp_path / "main_large.json").write_text(json.dumps({"size": "large", "order_lines": 1_000_000,
                                                          "generate": None, "whole": whole,
                                                          "load_average_1min": 2.0}))
    results = report.load_results(tmp_path)
    assert len(results) == 1 and results[0]["whole"]["wall_seconds"] == 230.5
    assert results[0]["notebooks"] == isolated["notebooks"]
    page = report.main(["--results", str(tmp_path)]).read_text(encoding="utf-8")
    assert "The scheduled run as one command" in page and "<b>230.5</b>" in page
    assert "01_data_cleaning → &lt;i&gt;x&lt;/i&gt;" in page
    assert "the scheduled run as one command" in report.markdown(results)
