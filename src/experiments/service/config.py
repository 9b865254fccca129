"""Notebook 07's parameters as one frozen ``Config`` (no defaults here: they live in the notebook's parameters cell,
range rules in conf/runs.yaml ``checks:``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from experiments.common.errors import DataInputError
from experiments.common.params import need, text
from experiments.data.engine import Engine

NOTEBOOK = "07_service_operations"
ROLE_PARAMETERS = {"contact_id": "contact_id_col", "channel": "channel_col", "opened": "time_col",
                   "first_reply": "first_reply_col", "reply_to": "reply_to_col", "inbound": "inbound_col",
                   "resolved": "resolved_col", "customer": "customer_col", "text": "text_col"}
OPTIONAL_ROLES = ("first_reply", "reply_to", "inbound", "resolved", "customer", "text")


@dataclass(frozen=True)
class Config:
    """The settings of one run of notebook 07 (names as in its parameters cell)."""

    input_path: str
    input_encoding: str
    input_sheet: str
    input_sep: str
    input_header: str
    date_order: str  # how the time columns are read (reply_times.to_utc)
    date_format: str
    columns: Mapping[str, str]  # role -> column name ('' = not given), from the <role>_col parameters
    # reply times
    reply_targets: Mapping[str, float]
    utc_offset_hours: float
    min_channel_contacts: int
    # the bot and the care queue
    escalate_failure_run: int
    escalate_minutes: float
    care_window_days: float
    sensitive_keywords: tuple[str, ...]
    # early warning
    negative_keywords: tuple[str, ...]
    baseline_days: int
    alert_alpha: float
    min_alert_count: int
    alert_dispersion: float
    # staffing
    forecast_days: int
    aht_minutes: Mapping[str, float]
    backtest_origins: int
    service_level_target: float
    # the data engine of the first replies and the reply aggregates (``engine_steps``)
    engine: str
    spark_master: str
    engine_memory_limit: float

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Read every setting from ``params`` (a missing key is a ``ParameterError``)."""
        get, txt = partial(need, params, notebook=NOTEBOOK), partial(text, params, notebook=NOTEBOOK)
        whole = {k: int(get(k)) for k in ("min_channel_contacts", "escalate_failure_run", "baseline_days",
                                           "min_alert_count", "forecast_days", "backtest_origins")}
        real = {k: float(get(k)) for k in ("utc_offset_hours", "escalate_minutes", "care_window_days", "alert_alpha",
                                            "alert_dispersion", "service_level_target")}
        words = {k: tuple(str(w) for w in get(k)) for k in ("sensitive_keywords", "negative_keywords")}
        minutes = {k: dict(get(k)) for k in ("reply_targets", "aht_minutes")}
        return cls(input_path=txt("input_path"), input_encoding=txt("input_encoding"), input_sheet=txt("input_sheet"),
                   input_sep=txt("input_sep"), input_header=txt("input_header"),
                   date_order=txt("date_order"), date_format=txt("date_format"),
                   columns={role: txt(key) for role, key in ROLE_PARAMETERS.items()},
                   **whole, **real, **words, **minutes, engine=txt("engine"), spark_master=txt("spark_master"),
                   engine_memory_limit=float(get("engine_memory_limit")))

    def data_engine(self) -> Engine:
        """The engine of the data steps (``engine``, ``spark_master``, ``engine_memory_limit``)."""
        return Engine(self.engine, self.spark_master, self.engine_memory_limit)

    def roles(self, columns: Mapping[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
        """The ``{role: column}`` map and optional roles for ``inputs.load_input`` (of ``columns``, the roles a flat
        table keeps, else the parameters'); exactly one way to a reply time (``first_reply_col``, or
        ``reply_to_col`` with ``inbound_col``) must be given."""
        c = {role: (columns if columns is not None else self.columns).get(role, "") for role in ROLE_PARAMETERS}
        link = bool(c["reply_to"]) or bool(c["inbound"])
        if link and not (c["reply_to"] and c["inbound"]):
            raise DataInputError("parameters reply_to_col and inbound_col go together: give both (a message log) or "
                                 f"neither; got reply_to_col={c['reply_to']!r}, inbound_col={c['inbound']!r}")
        if link == bool(c["first_reply"]):
            raise DataInputError("give either first_reply_col (one row per contact) or reply_to_col + inbound_col "
                                 "(a message log), not both and not neither")
        return {k: v for k, v in c.items() if v}, list(OPTIONAL_ROLES)


__all__ = ["Config", "NOTEBOOK"]
