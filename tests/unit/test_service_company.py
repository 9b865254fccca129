"""07's package on the session's tiny company world (seed 7), without the notebook: run, the truth section
(``evaluation.compare``, the only truth reader), publishing the care queue, and the report's display helpers."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from experiments import service
from experiments.common.result import Result as ResultProtocol
from experiments.lab.config import notebook_parameters
from experiments.service import charts, evaluation, present


@pytest.fixture(scope="module")
def ran(tiny_world, tmp_path_factory):
    data = tmp_path_factory.mktemp("service-company") / "data"
    shutil.copytree(tiny_world, data, symlinks=True)  # publish writes into the data folder: a copy
    mp = pytest.MonkeyPatch()
    mp.setenv("CIL_DATA_DIR", str(data))
    cfg = service.Config.from_parameters(notebook_parameters("07_service_operations", "tiny"))
    result = service.run(cfg)
    truth = evaluation.compare(result)
    folder = result.publish()
    yield cfg, result, truth, folder, data
    mp.undo()


def test_run_on_the_company_world_has_every_part_and_no_truth_keys(ran) -> None:
    _, r, _, _, _ = ran
    assert isinstance(r, ResultProtocol) and r.is_company_world and r.unanswered is None
    assert r.skipped == {}  # bot, early warning and staffing all run on the company world
    m = r.metrics()
    assert m["n_contacts"] == len(r.contacts) and "n_unanswered" not in m
    assert not {"incident_detection_delay_days", "false_alarm_rate", "false_alarm_day_share"} & set(m)
    assert {"levels", "alerts", "plan", "care"} <= set(r.tables)


def test_the_truth_section_scores_the_planted_incident(ran) -> None:
    _, r, truth, _, _ = ran
    assert truth.incident["topic"] == "delivery" and truth.window == (truth.incident["start"], truth.incident["end"])
    assert set(truth.metrics) == {"incident_detection_delay_days", "false_alarm_rate", "false_alarm_day_share"}
    assert 0 <= truth.metrics["false_alarm_rate"] < 0.01
    assert charts.planted_incident(r, truth) is not None
    off_world = evaluation.Comparison()
    assert off_world.metrics == {} and off_world.window is None and charts.planted_incident(r, off_world) is None


def test_publish_writes_the_escalations_into_the_care_queue(ran) -> None:
    _, r, _, folder, data = ran
    queue = pd.read_parquet(data / "processed" / "care_queue.parquet")
    assert folder is not None and r.published_rows == len(queue)
    mine = queue[queue["source"].isin(["sensitive", "consecutive_failures", "long_conversation"])]
    assert len(mine) == len(r.care) == r.metrics()["n_care_queue_rows"]  # no feedback rows in this world yet


def test_display_helpers_show_each_part(ran) -> None:
    cfg, r, _, _, _ = ran
    week = present.week_plan(r)
    assert len(week) == 7 and set(week.columns) <= set(cfg.aht_minutes)  # one row a day, one column a channel
    assert "Targets" in present.headline(r, cfg.service_level_target).data
    assert present.unanswered(r).data == ""  # a contacts table keeps its unanswered rows as misses
    assert "Care queue published" in present.published(r).data
