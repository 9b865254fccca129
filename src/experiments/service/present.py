"""What notebook 07 shows, as display objects: plain-words sentences (every data-derived value through ``safe.md``)
and display tables (through ``safe.frame``). A part the input did not support gives one line saying so."""

from __future__ import annotations

from typing import Any

import pandas as pd

from experiments.lab.report import safe
from experiments.service import reply_times
from experiments.service.result import Result

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _markdown(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def _join(parts: list[str]):
    return _markdown("\n\n".join("- " + p for p in parts))  # every part was built by safe.md


def headline(r: Result, level: float):
    """The first screen: targets met or not, anything blowing up, people needed next week (``level``: the service
    level the staffing plan aims at)."""
    m = r.values
    lv = r.levels.drop(index="all")
    worst = lv.index[0]  # worst share among channels with enough contacts (service_levels orders them first)
    parts = [safe.md("**Targets**: {share:.1%} of {n:,} contacts were answered within their channel's target "
                     "(median first reply {med:.0f} min). Weakest channel: **{worst}** at {ws:.1%} "
                     "(target {wt:.0f} min).", share=m["share_within_target"], n=m["n_contacts"],
                     med=m["median_reply_minutes"], worst=worst, ws=float(lv.loc[worst, "share_within_target"]),
                     wt=float(lv.loc[worst, "target_minutes"])).data]
    if m.get("n_unanswered") is not None:
        parts.append(safe.md("**Unanswered**: {u:,} more contacts got no reply in this log; counting them as misses, "
                             "{incl:.1%} of {t:,} contacts were answered within target.", u=m["n_unanswered"],
                             incl=m["share_within_target_incl_unanswered"],
                             t=m["n_contacts"] + m["n_unanswered"]).data)
    if m.get("worst_weekend_gap") is not None and m["worst_weekend_gap"] > 0.1:
        w = r.weekend.iloc[0]
        parts.append(safe.md("**Weekends**: {ch} answers {wd:.0%} within target on weekdays but only {we:.0%} on "
                             "weekends.", ch=r.weekend.index[0], wd=float(w["weekday"]), we=float(w["weekend"])).data)
    if r.alerts is not None:
        if len(r.alerts):
            first = r.alerts.iloc[0]
            parts.append(safe.md("**Blowing up?** {n} alert(s) on negative contacts; most about **{topic}**, the first "
                                 "on {day} ({ch}).", n=m["n_alerts"], topic=m["alert_top_topic"],
                                 day=f"{first['day']:%Y-%m-%d}", ch=first["channel"]).data)
        else:
            parts.append("**Blowing up?** No channel or topic left its expected range.")
    if m.get("agents_needed_next_week") is not None:
        parts.append(safe.md("**Next week**: about {c:,.0f} contacts; the busiest day needs **{a} agents** on shift "
                             "at its peak hour (Erlang C, {sl:.0%} within target).", c=m["contacts_forecast_next_week"],
                             a=m["agents_needed_next_week"], sl=level).data)
    if r.bot:
        parts.append(safe.md("**The bot** resolves {c:.0%} of its conversations alone; {e:,} met an escalation rule; "
                             "its biggest knowledge gap is **{gap}**.", c=r.bot["bot_containment_rate"],
                             e=r.bot["n_escalated"], gap=m["faq_gap_top_topic"]).data)
    return _join(parts)


def skipped(r: Result):
    """One line per part skipped for this input, with its reason."""
    if not r.skipped:
        return _markdown("")
    return _markdown("\n".join(safe.md("- {part}: skipped, {why}.", part=k.replace("_", " "), why=v).data
                               for k, v in r.skipped.items()))


def _absent(part: str, why: str):
    return safe.md("No {part} here: {why}.", part=part, why=why)


def levels(r: Result) -> pd.DataFrame:
    """Service levels per channel and overall, minutes to 1 decimal and shares to 3."""
    return safe.frame(r.levels.round({"median_minutes": 1, "p90_minutes": 1, "share_within_target": 3}))


def unanswered(r: Result):
    """A message log's unanswered contacts: how many, and the share within target when they count as misses."""
    if r.unanswered is None:
        return _markdown("")
    m = r.values
    return safe.md("This is a message log: {a:,} contacts were answered (the figures above) and **{u:,}** got no "
                   "reply in the log (a contact is a customer's message with their own follow-ups to it; see "
                   "the notebook's guide). Counting those as misses, {incl:.1%} of all {t:,} contacts were answered "
                   "within target (`share_within_target_incl_unanswered`). In an extract of a longer log, a contact "
                   "near its end may have been answered later.", a=m["n_contacts"], u=m["n_unanswered"],
                   incl=m["share_within_target_incl_unanswered"], t=m["n_contacts"] + m["n_unanswered"])


def set_aside(r: Result) -> tuple:
    """The contacts set aside because their first reply came before they opened: how many, and up to 5 of them."""
    neg = r.negative_replies
    if neg is None or not len(neg):
        return (_markdown(""),)
    cols = [c for c in ("contact_id", "channel", "opened_at", "first_reply_at", "reply_minutes") if c in neg]
    return (safe.md("**{n:,}** contacts were set aside because their first reply came *before* they opened (a clock "
                    "or export error; `n_negative_reply_times`): they are in none of the figures. Examples:",
                    n=len(neg)), safe.frame(neg[cols].head(5).round({"reply_minutes": 1})))


def roles(r: Result):
    """Which columns were read for which role, and which optional roles were left out (a flat table)."""
    if r.is_company_world:
        return _markdown("")
    from IPython.display import Markdown

    used = "; ".join(safe.md("{k} = {v}", k=k, v=v).data for k, v in r.roles_used.items())
    out = "; ".join(safe.md("{k} ({v})", k=k, v=v).data for k, v in r.roles_left_out.items()) or "none"
    return Markdown(f"Columns read: {used}. Optional roles left out: {out}.")


def weekend(r: Result) -> pd.DataFrame:
    """Share within target on weekdays and weekends per channel, worst gap first."""
    return safe.frame(r.weekend.round(3))


def worst_hours(r: Result) -> pd.DataFrame:
    """The channel-hours with the lowest share within target."""
    return safe.frame(reply_times.worst_hours(r.cube).round(3))


def breaches(r: Result, top: int = 10) -> pd.DataFrame:
    """The ``top`` worst breaches."""
    return safe.frame(r.breaches.head(top).round({"reply_minutes": 1, "over_by_minutes": 1}))


def satisfaction(r: Result) -> list[Any]:
    """Mean satisfaction by reply time against target, and the Spearman correlation (company world)."""
    if r.satisfaction is None:
        return [_absent("satisfaction scores", "the input has no satisfaction column")]
    return [safe.frame(r.satisfaction.round(2)),
            safe.md("Spearman correlation of satisfaction with reply time / target: {rho:.2f}.",
                    rho=r.values["satisfaction_reply_spearman"])]


def sentiment(r: Result, top: int = 15):
    """Inbound sentiment per channel (the ``top`` busiest)."""
    if r.sentiment is None:
        return _absent("inbound sentiment", "the input has no text column")
    return safe.frame(r.sentiment.round(3).head(top))


def bot_table(summary: dict) -> pd.DataFrame:
    """The bot summary as a two-column table, rates rounded to 3 decimals and counts as whole numbers."""
    values = [f"{v:.3f}" if isinstance(v, float) else f"{v:,}" for v in summary.values()]
    return pd.DataFrame({"value": values}, index=list(summary)).rename_axis("measure")


def bot(r: Result, top: int = 10) -> list[Any]:
    """The bot summary and the first ``top`` care-queue rows (without their texts)."""
    if not r.bot:
        return [_absent("bot figures", r.skipped.get("bot", "no bot columns"))]
    out: list[Any] = [safe.frame(bot_table(r.bot))]
    if r.care is not None:
        out.append(safe.frame(r.care.drop(columns=["texts"]).head(top)))
    return out


def gaps(r: Result):
    """The FAQ gap table."""
    if r.gaps is None:
        return _absent("FAQ gaps", r.skipped.get("bot", "no bot columns"))
    return safe.frame(r.gaps.round(3))


def alerts(r: Result, top: int = 15):
    """The first ``top`` alert days."""
    if r.alerts is None:
        return _absent("early warning", r.skipped.get("early_warning", "not run"))
    return safe.frame(r.alerts.head(top).round({"expected": 2, "ratio": 1}))


def backtest(r: Result):
    """The rolling-origin backtest (MASE of ETS and of seasonal naive per origin)."""
    if r.backtest is None:
        return _absent("staffing forecast", r.skipped.get("staffing", "not run"))
    return safe.frame(r.backtest.round({"mase_ets": 3, "mase_seasonal_naive": 3}))


def week_plan(r: Result):
    """Agents per day (rows) and channel (columns) over the first forecast week."""
    if r.plan is None:
        return _markdown("")
    week = r.plan[r.plan["day"] < r.plan["day"].min() + pd.Timedelta(days=7)]
    return safe.frame(week.pivot_table(index="day", columns="channel", values="agents", aggfunc="sum"))


def published(r: Result):
    """What ``publish`` wrote: the care queue's rows and how many came from service escalations."""
    if r.published_rows is None:
        return _markdown("Nothing published: the care queue is the company world's (and needs the bot columns).")
    return safe.md("Care queue published: {n:,} rows, {m:,} from service escalations.", n=r.published_rows,
                   m=len(r.care))


def truth(figures: dict[str, Any]):
    """The evaluation's figures in words (company world with its planted truth)."""
    if not figures:
        return _markdown("No planted truth to compare with (not the company world, no planted truth file, or the "
                         "early warning did not run).")
    delay = figures["incident_detection_delay_days"]
    flagged = (safe.md("The planted incident was flagged **{d} day(s)** after it began.", d=delay).data
               if delay is not None else "The planted incident was **not flagged** while it lasted.")
    alarms = safe.md("False alarms over the incident-free days: {fa:.3%} of channel-topic-days; days with any alert: "
                     "{fd:.1%}.", fa=figures["false_alarm_rate"], fd=figures["false_alarm_day_share"]).data
    return _markdown(flagged + " " + alarms)


def weekday_labels(table: pd.DataFrame) -> pd.DataFrame:
    """The channel x weekday table with weekday names as columns (for display)."""
    return table.rename(columns=dict(enumerate(WEEKDAY_NAMES)))


__all__ = ["alerts", "backtest", "bot", "bot_table", "breaches", "gaps", "headline", "levels", "published",
           "satisfaction", "sentiment", "skipped", "truth", "unanswered", "weekday_labels", "week_plan", "weekend",
           "worst_hours"]
