"""Reply times against per-channel targets: share within target, breaches, and satisfaction; and the parsing of
times and inbound flags the contacts are built from (``contacts``).

Targets are minutes per channel with an optional ``default`` (the company's are ``common.service_rules``: comments
2 hours, private messages 4 hours). A reply exactly at the target counts as within it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from experiments.common.dates import parse_dates
from experiments.common.errors import DataInputError, example_rows
from experiments.service.engine_steps import ReplyAggregates

TRUE_TEXT = {"true", "1", "yes", "y", "t", "inbound", "in"}
FALSE_TEXT = {"false", "0", "no", "n", "f", "outbound", "out"}


def to_utc(values: pd.Series, column: str, source: str, date_order: str = "auto", date_format: str = "") -> pd.Series:
    """Parse timestamps (tz-aware or naive = UTC) to tz-aware UTC; unparsable present values are an error naming
    the file, column and rows. ISO 8601 and Twitter's ``Tue Oct 31 22:10:47 +0000 2017`` form are read first; other
    values go to the lab's one date parser (``common.dates.parse_dates``: slash dates by ``date_order``, epoch times,
    Excel serials), and ``date_format`` (strftime, ``unix_s``, ``unix_ms``) reads the whole column its way."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC")
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.tz_localize("UTC")
    text = values.astype("string").str.strip()
    present = text.notna() & (text != "")
    if date_format:
        out = _lab_dates(text.where(present), column, date_order, date_format)
    else:
        out = pd.to_datetime(text.where(present), utc=True, errors="coerce", format="ISO8601")
        for reread in (lambda t: pd.to_datetime(t, utc=True, errors="coerce", format="%a %b %d %H:%M:%S %z %Y"),
                       lambda t: _lab_dates(t, column, date_order, "")):
            retry = present & out.isna()
            if retry.any():
                out = out.where(~retry, reread(text.where(retry)))
    bad = present & out.isna()
    if bad.any():
        raise DataInputError(f"{source}: column '{column}' has {int(bad.sum())} values that are not timestamps "
                             f"({example_rows(bad)}), e.g. {text[bad].head(3).tolist()}")
    return out


def _lab_dates(text: pd.Series, column: str, date_order: str, date_format: str) -> pd.Series:
    """``text`` read by ``common.dates.parse_dates`` (naive UTC) as tz-aware UTC."""
    return pd.Series(parse_dates(text, order=date_order, fmt=date_format, column=column).values,
                     index=text.index).dt.tz_localize("UTC")


def to_flag(values: pd.Series, column: str, source: str) -> pd.Series:
    """Parse a yes/no column (bool, 0/1, true/false, yes/no) to bool; anything else is an error naming rows."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype(bool)
    text = values.astype("string").str.strip().str.lower()
    bad = ~(text.isin(TRUE_TEXT) | text.isin(FALSE_TEXT))
    if bad.any():
        raise DataInputError(f"{source}: column '{column}' has {int(bad.sum())} values that are neither true nor "
                             f"false ({example_rows(bad)}), e.g. {text[bad].head(3).tolist()}")
    return text.isin(TRUE_TEXT).astype(bool)


def reply_minutes(opened: pd.Series, first_reply: pd.Series) -> pd.Series:
    """Minutes from opening to first reply (NaN when there is no reply)."""
    return (first_reply - opened).dt.total_seconds() / 60


def targets_for(channels: pd.Series, reply_targets: Mapping[str, float]) -> pd.Series:
    """Target minutes per row: the channel's own target, else ``default``; a channel with neither is an error."""
    targets = {str(k): float(v) for k, v in reply_targets.items()}
    if any(v <= 0 for v in targets.values()):
        raise DataInputError(f"parameter reply_targets: every target must be > 0 minutes, got {targets}")
    out = channels.astype("string").map(targets)
    if "default" in targets:
        out = out.fillna(targets["default"])
    missing = out.isna()
    if missing.any():
        raise DataInputError(f"parameter reply_targets: no target for channel(s) "
                             f"{sorted(channels[missing].astype(str).unique())[:10]} and no 'default'; "
                             f"given {sorted(targets)}")
    return out.astype(float)


def with_targets(df: pd.DataFrame, reply_targets: Mapping[str, float], utc_offset_hours: float = 0.0) -> pd.DataFrame:
    """Add target_minutes, within_target (replied and reply_minutes <= target; no reply = not within), and the
    local weekday (0 = Monday) and hour of the opening at ``utc_offset_hours``."""
    out = df.copy()
    out["target_minutes"] = targets_for(out["channel"], reply_targets)
    out["within_target"] = (out["reply_minutes"] <= out["target_minutes"]).fillna(False).astype(bool)
    local = out["opened_at"] + pd.Timedelta(hours=float(utc_offset_hours))
    out["weekday"] = local.dt.day_of_week
    out["hour"] = local.dt.hour
    return out


def service_levels(agg: ReplyAggregates, min_contacts: int = 1) -> pd.DataFrame:
    """Per channel (and ``all``): contacts, replied, target, median and 90th-percentile reply minutes, share within
    target and breaches, worst share first among channels with at least ``min_contacts`` contacts (the smaller ones
    follow, by volume). ``agg`` is the engine step's ``engine_steps.reply_aggregates`` of :func:`with_targets`'s
    frame."""
    def table(lv: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"contacts": lv["contacts"], "replied": lv["replied"],
                             "target_minutes": lv["target_minutes"], "median_minutes": lv["median_minutes"],
                             "p90_minutes": lv["p90_minutes"], "share_within_target": lv["within"] / lv["contacts"],
                             "breaches": lv["contacts"] - lv["within"]})

    t = table(agg.levels)
    total = table(agg.total)
    big = t["contacts"] >= int(min_contacts)
    t = pd.concat([t[big].sort_values("share_within_target"), t[~big].sort_values("contacts", ascending=False)])
    return pd.concat([t, total]).rename_axis("channel")


def busiest(agg: ReplyAggregates, limit: int = 12) -> list[str]:
    """The ``limit`` channels with the most contacts (ties by channel name)."""
    order = agg.levels["contacts"].sort_values(ascending=False, kind="stable")
    return list(order.index[:limit])


def share_by(cube: pd.DataFrame, by: str, channels: list[str] | None = None) -> pd.DataFrame:
    """Share within target, channel x ``by`` (``weekday`` or ``hour``), as a wide table, from the engine step's
    channel x weekday x hour ``cube`` (``channels``: only these)."""
    c = cube if channels is None else cube[cube["channel"].isin(channels)]
    g = c.groupby(["channel", by], observed=True)[["contacts", "within"]].sum()
    return (g["within"] / g["contacts"]).unstack(by)


def worst_hours(cube: pd.DataFrame, limit: int = 8, min_contacts: int = 10) -> pd.DataFrame:
    """The channel x local-hour cells with the lowest share within target (at least ``min_contacts`` contacts)."""
    g = cube.groupby(["channel", "hour"], observed=True)[["contacts", "within"]].sum()
    g = pd.DataFrame({"contacts": g["contacts"], "share_within_target": g["within"] / g["contacts"]})
    g = g[g["contacts"] >= min_contacts]
    return g.sort_values("share_within_target").head(limit).reset_index()


def weekend_gap(cube: pd.DataFrame, min_contacts: int = 1) -> pd.DataFrame:
    """Per channel with at least ``min_contacts`` contacts on weekdays and on weekends: share within target on
    weekdays and on weekends (Saturday, Sunday) and the gap, worst first."""
    d = cube.assign(part=np.where(cube["weekday"] >= 5, "weekend", "weekday"))
    g = d.groupby(["channel", "part"], observed=True)[["contacts", "within"]].sum()
    t = (g["within"] / g["contacts"]).unstack("part").reindex(columns=["weekday", "weekend"])
    n = g["contacts"].unstack("part").reindex(columns=["weekday", "weekend"]).fillna(0)
    t = t[(n["weekday"] >= min_contacts) & (n["weekend"] >= min_contacts)]
    t["gap"] = t["weekday"] - t["weekend"]
    return t.sort_values("gap", ascending=False)


def peak_hour_share(cube: pd.DataFrame) -> dict[str, float]:
    """Per channel: the share of its contacts in its busiest local hour (staffing's peak factor)."""
    h = cube.groupby(["channel", "hour"], observed=True)["contacts"].sum()
    return h.groupby("channel").agg(lambda s: s.max() / s.sum()).to_dict()


def breaches(df: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The worst breaches (longest over target first): contact, channel, opened, reply minutes, target, over by."""
    b = df[~df["within_target"]].assign(over_by_minutes=lambda d: d["reply_minutes"] - d["target_minutes"])
    b = b.sort_values("over_by_minutes", ascending=False, na_position="first")
    return b[["contact_id", "channel", "opened_at", "reply_minutes", "target_minutes", "over_by_minutes"]].head(limit)


def satisfaction_vs_reply(df: pd.DataFrame) -> tuple[pd.DataFrame, float, float]:
    """Mean satisfaction by reply time relative to the target (within, up to 2x, over 2x) and Spearman's rho of
    satisfaction against reply minutes / target (with its p-value) over rows with both; NaN when fewer than 10."""
    d = df.dropna(subset=["satisfaction", "reply_minutes"])
    ratio = d["reply_minutes"] / d["target_minutes"]
    band = pd.cut(ratio, [-np.inf, 1, 2, np.inf], labels=["within target", "up to 2x target", "over 2x target"])
    t = d.groupby(band, observed=False)["satisfaction"].agg(["count", "mean"]).rename(
        columns={"count": "rated", "mean": "mean_satisfaction"})
    if len(d) < 10:
        return t, float("nan"), float("nan")
    rho, p = stats.spearmanr(d["satisfaction"].astype(float), ratio)
    return t, float(rho), float(p)


__all__ = ["breaches", "busiest", "peak_hour_share", "reply_minutes", "satisfaction_vs_reply", "service_levels",
           "share_by",
           "targets_for", "to_flag", "to_utc", "weekend_gap", "with_targets", "worst_hours"]
