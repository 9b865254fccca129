"""Plain-words sentences of notebook 07 (every data-derived value goes through ``safe.md``)."""

from __future__ import annotations

import pandas as pd

from experiments.lab.report import safe
from experiments.service.analyse import ServiceResult

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def headline(r: ServiceResult, level: float = 0.8):
    """The first screen: targets met or not, anything blowing up, people needed next week."""
    m = r.metrics
    lv = r.levels.drop(index="all")
    worst = lv.index[0]  # worst share among channels with enough contacts (service_levels orders them first)
    parts = [safe.md("**Targets**: {share:.1%} of {n:,} contacts were answered within their channel's target "
                     "(median first reply {med:.0f} min). Weakest channel: **{worst}** at {ws:.1%} "
                     "(target {wt:.0f} min).", share=m["share_within_target"], n=m["n_contacts"],
                     med=m["median_reply_minutes"], worst=worst, ws=float(lv.loc[worst, "share_within_target"]),
                     wt=float(lv.loc[worst, "target_minutes"])).data]
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
                             e=r.bot["n_escalated"], gap=r.metrics["faq_gap_top_topic"]).data)
    return _join(parts)


def _join(parts: list[str]):
    from IPython.display import Markdown

    return Markdown("\n\n".join("- " + p for p in parts))  # every part was built by safe.md


def skipped(r: ServiceResult):
    """One line per part skipped for this table, with its reason."""
    from IPython.display import Markdown

    if not r.skipped:
        return Markdown("")
    return Markdown("\n".join(safe.md("- {part}: skipped, {why}.", part=k.replace("_", " "), why=v).data
                              for k, v in r.skipped.items()))


def bot_table(summary: dict) -> pd.DataFrame:
    """The bot summary as a two-column table, rates rounded to 3 decimals and counts as whole numbers."""
    values = [f"{v:.3f}" if isinstance(v, float) else f"{v:,}" for v in summary.values()]
    return pd.DataFrame({"value": values}, index=list(summary)).rename_axis("measure")


def weekday_labels(table: pd.DataFrame) -> pd.DataFrame:
    """The channel x weekday table with weekday names as columns (for display)."""
    return table.rename(columns=dict(enumerate(WEEKDAY_NAMES)))


__all__ = ["bot_table", "headline", "skipped", "weekday_labels"]
