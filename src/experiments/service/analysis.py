"""Everything notebook 07 computes, in one place: service levels, the bot, early warning, staffing.

``run(config, data=None)`` loads the input through ``sources.load`` when ``data`` is not given and returns a
``Result``. Parts that need columns a flat table lacks (the bot, topics) or more history than it has (early warning:
``baseline_days`` + 7 days; staffing: contacts on 50 of the last 56 days and a handling time for one of its channels)
are skipped with a reason in ``skipped`` and their metrics are None. Nothing here knows the planted truth: the
incident's detection delay and the false alarms outside it are ``evaluation``'s.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.service import bot, early_warning, engine_steps, faq_gaps, reply_times, sentiment, staffing
from experiments.service.config import Config
from experiments.service.contacts import key
from experiments.service.result import Result
from experiments.service.sources import Data, load


def rounded(x: Any, nd: int = 4) -> Any:
    """A metric value: None for missing, floats rounded to ``nd`` places, others as they are."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return None
    return round(float(x), nd) if isinstance(x, float | np.floating) else x


def _service_levels(r: Result, unanswered: pd.DataFrame | None) -> None:
    lv, m = r.levels, r.values
    m["n_contacts"] = int(len(r.contacts))
    m["share_within_target"] = rounded(float(lv.loc["all", "share_within_target"]))
    m["median_reply_minutes"] = rounded(float(lv.loc["all", "median_minutes"]), 2)
    if unanswered is not None:  # a message log: contacts without a reply are misses of their own (contacts rule 4)
        within = int(r.contacts["within_target"].sum())
        total = len(r.contacts) + len(unanswered)
        m["n_unanswered"] = int(len(unanswered))
        m["share_within_target_incl_unanswered"] = rounded(within / total) if total else None
    for ch, row in lv.drop(index="all").iterrows():
        m[f"share_within_target_{key(ch)}"] = rounded(float(row["share_within_target"]))
        m[f"median_reply_minutes_{key(ch)}"] = rounded(float(row["median_minutes"]), 2)
    m["worst_weekend_channel"] = str(r.weekend.index[0]) if len(r.weekend) else None
    m["worst_weekend_gap"] = rounded(float(r.weekend["gap"].iloc[0])) if len(r.weekend) else None


def _bot(frame: pd.DataFrame, cfg: Config, r: Result, as_of: pd.Timestamp) -> None:
    rules = bot.EscalationRules(cfg.escalate_failure_run, cfg.escalate_minutes, list(cfg.sensitive_keywords))
    r.flags = bot.escalation_flags(frame, rules)
    r.bot = bot.bot_summary(frame, r.flags)
    r.gaps = faq_gaps.faq_gaps(frame)
    if "customer_id" in frame:
        r.care = bot.care_rows(frame, r.flags, as_of, cfg.care_window_days)
    r.values.update({"bot_containment_rate": rounded(r.bot["bot_containment_rate"]),
                     "bot_handoff_rate": rounded(r.bot["bot_handoff_rate"]), "n_escalated": r.bot["n_escalated"],
                     **{f"n_escalated_{k}": r.bot[f"n_escalated_{k}"] for k in bot.RULES},
                     "faq_gap_top_topic": str(r.gaps.index[0]) if len(r.gaps) else None,
                     "n_care_queue_rows": int(len(r.care)) if r.care is not None else 0})


def _early_warning(frame: pd.DataFrame, cfg: Config, r: Result) -> None:
    neg = early_warning.is_negative(frame, list(cfg.negative_keywords))
    counts = early_warning.daily_counts(frame, neg, cfg.utc_offset_hours)
    r.scored = early_warning.detect(counts, cfg.baseline_days, cfg.alert_alpha, cfg.min_alert_count,
                                    cfg.alert_dispersion)
    r.alerts = early_warning.alerts(r.scored)
    r.values.update({"n_alerts": int(len(r.alerts)), "alert_top_topic": early_warning.driving_topic(r.alerts)})


def _staffing(frame: pd.DataFrame, cfg: Config, r: Result) -> None:
    daily = staffing.daily_totals(frame, cfg.utc_offset_hours)
    r.daily = daily
    total = daily.sum(axis=1)
    h = int(cfg.forecast_days)
    fits: list[pd.DataFrame] = []
    r.backtest = staffing.backtest(total, horizon=h, n_origins=cfg.backtest_origins, step=14, forecasts=fits)
    r.holdout = fits[0] if fits else None
    r.future = staffing.ets_forecast(total, h)
    fc = staffing.split_by_channel(r.future, daily)
    peak = reply_times.peak_hour_share(r.cube)
    targets = reply_times.targets_for(pd.Series(list(cfg.aht_minutes)), cfg.reply_targets).to_numpy()
    r.plan = staffing.staffing_plan(fc, peak, dict(cfg.aht_minutes), dict(zip(cfg.aht_minutes, targets,
                                                                               strict=True)),
                                    cfg.service_level_target)
    per_day = r.plan.groupby("day")["agents"].sum()
    r.values.update({
        "forecast_mase": rounded(float(r.backtest["mase_ets"].mean())) if len(r.backtest) else None,
        "forecast_mase_seasonal_naive": (rounded(float(r.backtest["mase_seasonal_naive"].mean()))
                                         if len(r.backtest) else None),
        "agents_needed_next_week": int(per_day.iloc[:7].max()) if len(per_day) else None,
        "contacts_forecast_next_week": rounded(float(r.future["forecast"].iloc[:7].sum()), 1),
    })


def run(config: Config, data: Data | None = None, as_of: pd.Timestamp | None = None) -> Result:
    """Run every part the input supports (see the module docstring); ``as_of`` (default: the last opening) dates
    the care-queue window."""
    data = data if data is not None else load(config)
    cfg = config
    d = reply_times.with_targets(data.contacts.frame, cfg.reply_targets, cfg.utc_offset_hours)
    agg = engine_steps.reply_aggregates(cfg.data_engine(), d)  # the data step: channel and channel x hour tables
    levels = reply_times.service_levels(agg, cfg.min_channel_contacts)
    r = Result(input=data.input, contacts=d, levels=levels, unanswered=data.contacts.unanswered,
               negative_replies=data.contacts.negative, roles_used=data.roles_used, roles_left_out=data.roles_left_out,
               weekday=reply_times.share_by(agg.cube, "weekday", reply_times.busiest(agg)),
               hour=reply_times.share_by(agg.cube, "hour"), cube=agg.cube,
               weekend=reply_times.weekend_gap(agg.cube, max(1, cfg.min_channel_contacts // 2)),
               breaches=reply_times.breaches(d))
    _service_levels(r, data.contacts.unanswered)
    negative = data.contacts.negative
    r.values["n_negative_reply_times"] = int(len(negative)) if negative is not None else 0
    if "satisfaction" in d:
        r.satisfaction, rho, _ = reply_times.satisfaction_vs_reply(d)
        r.values["satisfaction_reply_spearman"] = rounded(rho)
    if "text" in d:
        polarity = sentiment.inbound_sentiment(d)
        r.sentiment = sentiment.by_channel(d, polarity)
        r.values["inbound_negative_share"] = rounded(float((polarity == "negative").mean()))
    else:
        r.values["inbound_negative_share"] = None
    as_of = as_of if as_of is not None else d["opened_at"].max()
    if {"bot_turns", "bot_max_fail_run", "bot_seconds", "handed_to_agent", "resolved", "text", "topic"} <= set(d):
        _bot(d, cfg, r, as_of)
    else:
        r.skipped["bot"] = "no bot columns (bot_turns, ...) in this table"
        r.values.update({"bot_containment_rate": None, "n_escalated": None})
    days = (d["opened_at"].max() - d["opened_at"].min()).days + 1
    if "topic" in d and "text" in d and days >= cfg.baseline_days + 7:
        _early_warning(d, cfg, r)
    else:
        r.skipped["early_warning"] = f"needs topic and text columns and {cfg.baseline_days + 7}+ days"
        r.values["n_alerts"] = None
    staffed = sorted(set(cfg.aht_minutes) & set(d["channel"].astype(str)))
    recent = d["opened_at"].dt.normalize().drop_duplicates()
    recent_days = int((recent >= d["opened_at"].max() - pd.Timedelta(days=56)).sum())
    if recent_days >= 50 and staffed:
        _staffing(d, cfg, r)
    else:
        r.skipped["staffing"] = (f"needs contacts on 50 of the last 56 days ({recent_days}) and aht_minutes for a "
                                 "channel")
        r.values.update({"forecast_mase": None, "agents_needed_next_week": None})
    return r


__all__ = ["rounded", "run"]
