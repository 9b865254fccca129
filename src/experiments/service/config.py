"""Notebook 07's parameters as one frozen ``Config`` (no defaults here: they live in the notebook's parameters cell,
range rules in conf/runs.yaml ``checks:``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from experiments.common.errors import DataInputError
from experiments.common.params import need, text

NOTEBOOK = "07_service_operations"
ROLE_PARAMETERS = {"contact_id": "contact_id_col", "channel": "channel_col", "opened": "opened_col",
                   "first_reply": "first_reply_col", "reply_to": "reply_to_col", "inbound": "inbound_col",
                   "resolved": "resolved_col", "customer": "customer_col", "text": "text_col"}
OPTIONAL_ROLES = ("first_reply", "reply_to", "inbound", "resolved", "customer", "text")


@dataclass(frozen=True)
class Config:
    """The settings of one run of notebook 07 (names as in its parameters cell)."""

    input_path: str
    input_encoding: str
    input_sheet: str
    columns: Mapping[str, str]  # role -> column name ('' = not given), from the <role>_col parameters
    reply_targets: Mapping[str, float]
    utc_offset_hours: float
    escalate_failure_run: int
    escalate_minutes: float
    sensitive_keywords: tuple[str, ...]
    care_window_days: float
    negative_keywords: tuple[str, ...]
    baseline_days: int
    alert_alpha: float
    min_alert_count: int
    alert_dispersion: float
    forecast_days: int
    backtest_origins: int
    aht_minutes: Mapping[str, float]
    service_level_target: float
    min_channel_contacts: int

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Read every setting from ``params`` (a missing key is a ``ParameterError``)."""
        def get(key: str) -> Any:
            return need(params, key, NOTEBOOK)

        return cls(
            input_path=text(params, "input_path", NOTEBOOK), input_encoding=text(params, "input_encoding", NOTEBOOK),
            input_sheet=text(params, "input_sheet", NOTEBOOK),
            columns={role: text(params, key, NOTEBOOK) for role, key in ROLE_PARAMETERS.items()},
            reply_targets=dict(get("reply_targets")), utc_offset_hours=float(get("utc_offset_hours")),
            escalate_failure_run=int(get("escalate_failure_run")), escalate_minutes=float(get("escalate_minutes")),
            sensitive_keywords=tuple(str(k) for k in get("sensitive_keywords")),
            care_window_days=float(get("care_window_days")),
            negative_keywords=tuple(str(k) for k in get("negative_keywords")),
            baseline_days=int(get("baseline_days")), alert_alpha=float(get("alert_alpha")),
            min_alert_count=int(get("min_alert_count")), alert_dispersion=float(get("alert_dispersion")),
            forecast_days=int(get("forecast_days")), backtest_origins=int(get("backtest_origins")),
            aht_minutes=dict(get("aht_minutes")), service_level_target=float(get("service_level_target")),
            min_channel_contacts=int(get("min_channel_contacts")),
        )

    def roles(self) -> tuple[dict[str, str], list[str]]:
        """The ``{role: column}`` map and optional roles for ``inputs.load_input``; exactly one way to a reply time
        (``first_reply_col``, or ``reply_to_col`` with ``inbound_col``) must be given."""
        c = self.columns
        link = bool(c["reply_to"]) or bool(c["inbound"])
        if link and not (c["reply_to"] and c["inbound"]):
            raise DataInputError("parameters reply_to_col and inbound_col go together: give both (a message log) or "
                                 f"neither; got reply_to_col={c['reply_to']!r}, inbound_col={c['inbound']!r}")
        if link == bool(c["first_reply"]):
            raise DataInputError("give either first_reply_col (one row per contact) or reply_to_col + inbound_col "
                                 "(a message log), not both and not neither")
        return {k: v for k, v in c.items() if v}, list(OPTIONAL_ROLES)


__all__ = ["Config", "NOTEBOOK"]
