"""Notebook 07 against the company world's planted truth (``data/raw/_truth/service.json``): how many days the early
warning took to flag the planted incident, and its false alarms outside it.

The only module of ``experiments.service`` that reads the truth; the notebook calls it in its section "Against the
planted truth" (company world only) and the planted tests call it; ``analysis.run`` never does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.data import paths
from experiments.service import early_warning
from experiments.service.analysis import rounded
from experiments.service.result import Result


def planted_truth(raw_dir: Path | None = None) -> dict[str, Any] | None:
    """The service log's planted truth (``_truth/service.json`` under ``raw_dir``, default the data folder's raw
    folder), or None when there is none (a world generated without it)."""
    path = (raw_dir or paths.raw_dir()) / "_truth" / "service.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@dataclass
class Comparison:
    """The run against the truth: ``metrics`` (the truth keys of metrics.json, empty without a truth) and the
    planted ``incident`` (topic, start, end; None without one)."""

    metrics: dict[str, Any] = field(default_factory=dict)
    incident: dict[str, Any] | None = None

    @property
    def window(self) -> tuple[str, str] | None:
        """The incident's first and last day, or None."""
        return (self.incident["start"], self.incident["end"]) if self.incident else None


def compare(result: Result, raw_dir: Path | None = None) -> Comparison:
    """Compare ``result`` with the planted truth (company world only; an empty ``Comparison`` otherwise)."""
    truth = planted_truth(raw_dir) if result.is_company_world else None
    return Comparison(metrics=metrics(result, truth), incident=(truth or {}).get("incident"))


def metrics(result: Result, truth: dict[str, Any] | None) -> dict[str, Any]:
    """The truth keys of metrics.json: ``incident_detection_delay_days`` (days from the incident's start to its first
    alert on its topic; None when missed), ``false_alarm_rate`` (alerts per channel-topic-day outside the incident
    and the week after it) and ``false_alarm_day_share`` (share of those days with any alert). Empty when the early
    warning did not run, the input is not the company world, or there is no truth."""
    if result.scored is None or not result.is_company_world or not truth or not truth.get("incident"):
        return {}
    inc = truth["incident"]
    fa = early_warning.false_alarm_rate(result.scored, inc["start"], inc["end"])
    return {"false_alarm_rate": rounded(fa["false_alarm_rate"], 5),
            "false_alarm_day_share": rounded(fa["false_alarm_day_share"]),
            "incident_detection_delay_days": early_warning.detection_delay(result.alerts, inc["topic"], inc["start"],
                                                                           inc["end"])}


__all__ = ["Comparison", "compare", "metrics", "planted_truth"]
