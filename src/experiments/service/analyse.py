"""Everything notebook 07 shows, computed in one tested place: service levels, the bot, early warning, staffing.

``analyse(frame, cfg)`` takes the frame of ``contacts.build`` and a ``ServiceConfig`` (the notebook's parameters)
and returns a ``ServiceResult`` with the tables and the flat metrics of metrics.json. Parts that need columns a
flat table lacks (the bot, topics) or more history than it has (early warning: ``baseline_days`` + 7 days;
staffing: contacts on 50 of the last 56 days and a handling time for one of its channels) are skipped with a
reason in ``skipped`` and their metrics are None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from experiments.service import bot, early_warning, faq_gaps, reply_times, sentiment, staffing
from experiments.service.contacts import key


@dataclass(frozen=True)
class ServiceConfig:
    """The analysis parameters of notebook 07 (names as in its parameters cell)."""

    reply_targets: Mapping[str, float]
    utc_offset_hours: float = 8.0
    escalate_failure_run: int = 3
    escalate_minutes: float = 5.0
    sensitive_keywords: Sequence[str] = tuple(bot.DEFAULT_KEYWORDS)
    care_window_days: float = 14.0
    negative_keywords: Sequence[str] = tuple(early_warning.DEFAULT_NEGATIVE)
    baseline_days: int = 28
    alert_alpha: float = 0.001
    min_alert_count: int = 3
    alert_dispersion: float = 0.0
    forecast_days: int = 28
    backtest_origins: int = 3
    aht_minutes: Mapping[str, float] = field(default_factory=dict)
    service_level_target: float = 0.8
    min_channel_contacts: int = 20
    incident: Mapping[str, str] | None = None  # company world: the planted incident (topic, start, end) to score


@dataclass
class ServiceResult:
    """Tables and metrics of one analysis (see ``analyse``)."""

    contacts: pd.DataFrame
    levels: pd.DataFrame
    weekday: pd.DataFrame
    hour: pd.DataFrame
    weekend: pd.DataFrame
    breaches: pd.DataFrame
    satisfaction: pd.DataFrame | None = None
    sentiment: pd.DataFrame | None = None
    bot: dict[str, Any] = field(default_factory=dict)
    flags: pd.DataFrame | None = None
    care: pd.DataFrame | None = None
    gaps: pd.DataFrame | None = None
    scored: pd.DataFrame | None = None
    alerts: pd.DataFrame | None = None
    daily: pd.DataFrame | None = None
    backtest: pd.DataFrame | None = None
    holdout: pd.DataFrame | None = None
    future: pd.DataFrame | None = None
    plan: pd.DataFrame | None = None
    skipped: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)


def _round(x: Any, nd: int = 4) -> Any:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return round(float(x), nd) if isinstance(x, float | np.floating) else x


def _service_levels(frame: pd.DataFrame, cfg: ServiceConfig, r: ServiceResult) -> None:
    lv = r.levels
    m = r.metrics
    m["n_contacts"] = int(len(frame))
    m["share_within_target"] = _round(float(lv.loc["all", "share_within_target"]))
    m["median_reply_minutes"] = _round(float(lv.loc["all", "median_minutes"]), 2)
    for ch, row in lv.drop(index="all").iterrows():
        m[f"share_within_target_{key(ch)}"] = _round(float(row["share_within_target"]))
        m[f"median_reply_minutes_{key(ch)}"] = _round(float(row["median_minutes"]), 2)
    m["worst_weekend_channel"] = str(r.weekend.index[0]) if len(r.weekend) else None
    m["worst_weekend_gap"] = _round(float(r.weekend["gap"].iloc[0])) if len(r.weekend) else None


def _bot(frame: pd.DataFrame, cfg: ServiceConfig, r: ServiceResult, as_of: pd.Timestamp) -> None:
    rules = bot.EscalationRules(cfg.escalate_failure_run, cfg.escalate_minutes, list(cfg.sensitive_keywords))
    r.flags = bot.escalation_flags(frame, rules)
    r.bot = bot.bot_summary(frame, r.flags)
    r.gaps = faq_gaps.faq_gaps(frame)
    if "customer_id" in frame:
        r.care = bot.care_rows(frame, r.flags, as_of, cfg.care_window_days)
    r.metrics.update({"bot_containment_rate": _round(r.bot["bot_containment_rate"]),
                      "bot_handoff_rate": _round(r.bot["bot_handoff_rate"]), "n_escalated": r.bot["n_escalated"],
                      **{f"n_escalated_{k}": r.bot[f"n_escalated_{k}"] for k in bot.RULES},
                      "faq_gap_top_topic": str(r.gaps.index[0]) if len(r.gaps) else None,
                      "n_care_queue_rows": int(len(r.care)) if r.care is not None else 0})


def _early_warning(frame: pd.DataFrame, cfg: ServiceConfig, r: ServiceResult) -> None:
    neg = early_warning.is_negative(frame, list(cfg.negative_keywords))
    counts = early_warning.daily_counts(frame, neg, cfg.utc_offset_hours)
    r.scored = early_warning.detect(counts, cfg.baseline_days, cfg.alert_alpha, cfg.min_alert_count,
                                    cfg.alert_dispersion)
    r.alerts = early_warning.alerts(r.scored)
    inc = cfg.incident
    fa = early_warning.false_alarm_rate(r.scored, inc and inc["start"], inc and inc["end"])
    r.metrics.update({"n_alerts": int(len(r.alerts)), "alert_top_topic": early_warning.driving_topic(r.alerts),
                      "false_alarm_rate": _round(fa["false_alarm_rate"], 5),
                      "false_alarm_day_share": _round(fa["false_alarm_day_share"])})
    if inc:
        r.metrics["incident_detection_delay_days"] = early_warning.detection_delay(r.alerts, inc["topic"],
                                                                                   inc["start"], inc["end"])


def _staffing(frame: pd.DataFrame, cfg: ServiceConfig, r: ServiceResult) -> None:
    daily = staffing.daily_totals(frame, cfg.utc_offset_hours)
    r.daily = daily
    total = daily.sum(axis=1)
    h = int(cfg.forecast_days)
    fits: list[pd.DataFrame] = []
    r.backtest = staffing.backtest(total, horizon=h, n_origins=cfg.backtest_origins, step=14, forecasts=fits)
    r.holdout = fits[0] if fits else None
    r.future = staffing.ets_forecast(total, h)
    fc = staffing.split_by_channel(r.future, daily)
    local_hour = (frame["opened_at"] + pd.Timedelta(hours=cfg.utc_offset_hours)).dt.hour
    peak = frame.assign(h=local_hour).groupby(["channel", "h"]).size().groupby("channel").agg(
        lambda s: s.max() / s.sum()).to_dict()
    targets = reply_times.targets_for(pd.Series(list(cfg.aht_minutes)), cfg.reply_targets).to_numpy()
    r.plan = staffing.staffing_plan(fc, peak, dict(cfg.aht_minutes), dict(zip(cfg.aht_minutes, targets,
                                                                               strict=True)),
                                    cfg.service_level_target)
    per_day = r.plan.groupby("day")["agents"].sum()
    r.metrics.update({
        "forecast_mase": _round(float(r.backtest["mase_ets"].mean())) if len(r.backtest) else None,
        "forecast_mase_seasonal_naive": (_round(float(r.backtest["mase_seasonal_naive"].mean()))
                                         if len(r.backtest) else None),
        "agents_needed_next_week": int(per_day.iloc[:7].max()) if len(per_day) else None,
        "contacts_forecast_next_week": _round(float(r.future["forecast"].iloc[:7].sum()), 1),
    })


def analyse(frame: pd.DataFrame, cfg: ServiceConfig, as_of: pd.Timestamp | None = None) -> ServiceResult:
    """Run every part that the frame supports; see the module docstring."""
    d = reply_times.with_targets(frame, cfg.reply_targets, cfg.utc_offset_hours)
    levels = reply_times.service_levels(d, cfg.min_channel_contacts)
    busiest = d["channel"].value_counts().index[:12]
    r = ServiceResult(contacts=d, levels=levels, weekday=reply_times.share_by(d[d["channel"].isin(busiest)], "weekday"),
                      hour=reply_times.share_by(d, "hour"),
                      weekend=reply_times.weekend_gap(d, max(1, cfg.min_channel_contacts // 2)),
                      breaches=reply_times.breaches(d))
    _service_levels(d, cfg, r)
    if "satisfaction" in d:
        r.satisfaction, rho, _ = reply_times.satisfaction_vs_reply(d)
        r.metrics["satisfaction_reply_spearman"] = _round(rho)
    if "text" in d:
        polarity = sentiment.inbound_sentiment(d)
        r.sentiment = sentiment.by_channel(d, polarity)
        r.metrics["inbound_negative_share"] = _round(float((polarity == "negative").mean()))
    else:
        r.metrics["inbound_negative_share"] = None
    as_of = as_of if as_of is not None else d["opened_at"].max()
    if {"bot_turns", "bot_max_fail_run", "bot_seconds", "handed_to_agent", "resolved", "text", "topic"} <= set(d):
        _bot(d, cfg, r, as_of)
    else:
        r.skipped["bot"] = "no bot columns (bot_turns, ...) in this table"
        r.metrics.update({"bot_containment_rate": None, "n_escalated": None})
    days = (d["opened_at"].max() - d["opened_at"].min()).days + 1
    if "topic" in d and "text" in d and days >= cfg.baseline_days + 7:
        _early_warning(d, cfg, r)
    else:
        r.skipped["early_warning"] = f"needs topic and text columns and {cfg.baseline_days + 7}+ days"
        r.metrics["n_alerts"] = None
    staffed = sorted(set(cfg.aht_minutes) & set(d["channel"].astype(str)))
    recent = d["opened_at"].dt.normalize().drop_duplicates()
    recent_days = int((recent >= d["opened_at"].max() - pd.Timedelta(days=56)).sum())
    if recent_days >= 50 and staffed:
        _staffing(d, cfg, r)
    else:
        r.skipped["staffing"] = (f"needs contacts on 50 of the last 56 days ({recent_days}) and aht_minutes for a "
                                 "channel")
        r.metrics.update({"forecast_mase": None, "agents_needed_next_week": None})
    return r


__all__ = ["ServiceConfig", "ServiceResult", "analyse"]
