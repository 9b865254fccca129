"""The ``Result`` of notebook 07 (``analysis.run``): its tables, its metrics and the one table it publishes (the
service escalations added to the care queue, and the next week's staffing figure; company world only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.data.inputs import InputTable
from experiments.service import bot


@dataclass(kw_only=True)
class Result:
    """Tables and metrics of one analysis. Parts the input does not support are None, with the reason in
    ``skipped``."""

    input: InputTable
    # reply times (``unanswered``: a message log's contacts without a reply; None for a contacts table)
    contacts: pd.DataFrame
    unanswered: pd.DataFrame | None = None
    negative_replies: pd.DataFrame | None = None  # set aside: first reply before opening (``n_negative_reply_times``)
    roles_used: dict[str, str] = field(default_factory=dict)  # role -> column read
    roles_left_out: dict[str, str] = field(default_factory=dict)  # optional role -> why it was left out
    levels: pd.DataFrame
    breaches: pd.DataFrame
    satisfaction: pd.DataFrame | None = None
    sentiment: pd.DataFrame | None = None
    # when: channel x local weekday and hour, weekday against weekend
    weekday: pd.DataFrame
    hour: pd.DataFrame
    weekend: pd.DataFrame
    cube: pd.DataFrame  # channel, weekday, hour, contacts, within (``engine_steps.reply_aggregates``)
    # the bot and the care queue
    bot: dict[str, Any] = field(default_factory=dict)
    flags: pd.DataFrame | None = None
    care: pd.DataFrame | None = None
    gaps: pd.DataFrame | None = None
    # early warning
    scored: pd.DataFrame | None = None
    alerts: pd.DataFrame | None = None
    # staffing
    daily: pd.DataFrame | None = None
    backtest: pd.DataFrame | None = None
    holdout: pd.DataFrame | None = None
    future: pd.DataFrame | None = None
    plan: pd.DataFrame | None = None
    # what ran and what it measured
    skipped: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # the metrics (``metrics()`` returns a copy)
    published_rows: int | None = None  # rows of the care queue written by ``publish`` (None before or without it)

    @property
    def is_company_world(self) -> bool:
        """True when the input was the company world's service_contacts."""
        return self.input.is_company_world

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The named tables the report shows (the parts that ran)."""
        names = ("levels", "weekday", "weekend", "breaches", "unanswered", "satisfaction", "sentiment", "care", "gaps",
                 "alerts", "backtest", "plan")
        return {n: getattr(self, n) for n in names if isinstance(getattr(self, n), pd.DataFrame)}

    def metrics(self) -> dict[str, Any]:
        """The flat metrics.json dict (keys documented in conf/runs.yaml)."""
        return dict(self.values)

    def care_queue(self) -> pd.DataFrame:
        """The care queue to publish: the feedback notebook's rows of ``care_queue.parquet`` unchanged (when it
        exists), then this run's escalations (``bot.join_care_queue``)."""
        from experiments.data import processed

        existing_path = processed.current_dir() / "care_queue.parquet"
        existing = pd.read_parquet(existing_path) if existing_path.is_file() else None
        return bot.join_care_queue(existing, self.care)

    def staffing(self) -> pd.DataFrame | None:
        """The next week's staffing figure as a table (contract ``staffing``), None when the forecast did not run
        (``staffing_table``)."""
        return staffing_table(self.future, self.values)

    def publish(self) -> Path | None:
        """Company world: publish the joined care queue (contract ``care_queue``, when there are care rows) and the
        staffing figure (``staffing``, when the forecast ran; 09 reads it for its call capacity) and return their
        folder; otherwise publish nothing (None)."""
        from experiments.data import processed

        if not self.is_company_world:
            return None
        tables = {"care_queue": self.care_queue() if self.care is not None else None, "staffing": self.staffing()}
        if tables["care_queue"] is not None:
            self.published_rows = len(tables["care_queue"])
        tables = {name: table for name, table in tables.items() if table is not None}
        return processed.publish_results(tables, company_world=True) if tables else None


def staffing_table(future: pd.DataFrame | None, values: dict[str, Any]) -> pd.DataFrame | None:
    """One row: ``week_start`` (the first forecast day of ``future``), ``agents_needed`` (``agents_needed_next_week``:
    the most agents any day of the next 7 needs) and ``contacts_forecast`` (contacts forecast over those 7 days);
    None without a forecast."""
    if future is None or not len(future) or values.get("agents_needed_next_week") is None:
        return None
    first = pd.Timestamp(future.index[0])
    row = (first.tz_localize(None) if first.tzinfo else first, int(values["agents_needed_next_week"]),
           float(values["contacts_forecast_next_week"]))
    return pd.DataFrame([row], columns=["week_start", "agents_needed", "contacts_forecast"])


__all__ = ["Result", "staffing_table"]
