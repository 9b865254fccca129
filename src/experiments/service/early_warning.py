"""Early warning: daily negative contacts per channel x topic against a seasonal baseline with Poisson (or negative
binomial) limits.

The baseline of a series (channel, topic) on day d is exposure x rate: the day's total contacts on the channel (so
the weekly rhythm, the weekend dip and holiday peaks are in the expectation) times the series' share of negative
contacts over the ``baseline_days`` before d (a half-contact prior at the channel's overall share keeps a quiet
series from a zero rate). A day alerts when its count has an upper-tail probability below ``alert_alpha`` under
Poisson(expected) (or a negative binomial with variance mu + dispersion x mu^2) and is at least ``min_count``.
The first ``baseline_days`` days only build the baseline, and an alerting day is left out of its series' baseline
(so a week-long wave does not become the norm). A rise that lifts a whole channel's volume is caught
because the rate is per topic: extra negative delivery contacts raise delivery's count far more than its share of
the day's total predicts (Lambert & Liu 2006 for count monitoring; a rate-with-exposure baseline as in public
health syndromic surveillance).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import stats


def is_negative(df: pd.DataFrame, keywords: list[str], max_satisfaction: int = 2) -> pd.Series:
    """A negative contact: its text has one of ``keywords`` (case-insensitive) or its satisfaction is at most
    ``max_satisfaction`` (when a satisfaction column is present)."""
    pat = "|".join(re.escape(str(k)) for k in keywords if str(k).strip())
    neg = df["text"].astype("string").fillna("").str.contains(pat, case=False, regex=True) if pat else \
        pd.Series(False, index=df.index)
    if "satisfaction" in df:
        neg = neg | (pd.to_numeric(df["satisfaction"], errors="coerce") <= max_satisfaction).fillna(False)
    return neg.astype(bool)


def daily_counts(df: pd.DataFrame, negative: pd.Series, utc_offset_hours: float = 0.0) -> pd.DataFrame:
    """Full grid day x channel x topic: ``negative`` contacts and the channel's ``total`` contacts that day (local
    days at ``utc_offset_hours``); missing combinations are zeros."""
    day = (df["opened_at"] + pd.Timedelta(hours=float(utc_offset_hours))).dt.tz_localize(None).dt.normalize()
    d = pd.DataFrame({"day": day, "channel": df["channel"].astype(str), "topic": df["topic"].astype(str),
                      "negative": negative.astype(int).to_numpy()})
    days = pd.date_range(d["day"].min(), d["day"].max(), freq="D")
    grid = pd.MultiIndex.from_product([days, sorted(d["channel"].unique()), sorted(d["topic"].unique())],
                                      names=["day", "channel", "topic"])
    neg = d.groupby(["day", "channel", "topic"])["negative"].sum().reindex(grid, fill_value=0)
    total = d.groupby(["day", "channel"]).size()
    out = neg.reset_index()
    out["total"] = total.reindex(pd.MultiIndex.from_frame(out[["day", "channel"]]), fill_value=0).to_numpy()
    return out


def detect(counts: pd.DataFrame, baseline_days: int, alert_alpha: float, min_count: int, dispersion: float,
           exclude_alerts: bool = True) -> pd.DataFrame:
    """Add ``expected``, ``p_value`` (upper tail P(X >= count)) and ``alert`` to :func:`daily_counts` output.

    Assumes counts are Poisson around exposure x trailing rate (``dispersion`` > 0: negative binomial) and that the
    days are consecutive. Days before ``baseline_days`` of history never alert (``expected`` is NaN). With
    ``exclude_alerts`` an alerting day of a series leaves that series' baseline (as outbreak weeks are left out of
    the Farrington baseline: Noufaily et al. 2013), so a long wave keeps alerting instead of becoming the norm.
    The prior share is the channel's negative share over the same trailing window, spread over its topics.
    """
    c = counts.sort_values(["channel", "topic", "day"]).reset_index(drop=True)
    grid = c.pivot(index=["channel", "topic"], columns="day", values="negative")
    neg = grid.fillna(0).to_numpy(float)
    tot = c.pivot(index=["channel", "topic"], columns="day", values="total").reindex_like(grid).fillna(0).to_numpy(
        float)
    chan_codes, chan_index = pd.factorize(grid.index.get_level_values("channel"))
    n_topics = np.bincount(chan_codes).astype(float)
    n_s, n_d = neg.shape
    w = int(baseline_days)
    used = np.ones_like(neg, dtype=bool)
    expected = np.full_like(neg, np.nan)
    pvals = np.full_like(neg, np.nan)
    alert = np.zeros_like(neg, dtype=bool)
    for t in range(w, n_d):  # a loop over days (each step vectorised over every series)
        win = slice(t - w, t)
        nh = np.where(used[:, win], neg[:, win], 0).sum(axis=1)
        th = np.where(used[:, win], tot[:, win], 0).sum(axis=1)
        cn = np.bincount(chan_codes, weights=neg[:, win].sum(axis=1), minlength=len(chan_index))
        ct = np.bincount(chan_codes, weights=tot[:, win].sum(axis=1), minlength=len(chan_index))
        prior = np.divide(cn, ct, out=np.zeros_like(cn), where=ct > 0)[chan_codes] / n_topics[chan_codes]
        mu = (nh + 0.5 * prior) / (th + 0.5) * tot[:, t]
        k = neg[:, t]
        if dispersion > 0:
            size = 1.0 / dispersion
            p = stats.nbinom.sf(k - 1, size, size / (size + np.maximum(mu, 1e-12)))
        else:
            p = stats.poisson.sf(k - 1, np.maximum(mu, 1e-12))
        expected[:, t], pvals[:, t] = mu, p
        alert[:, t] = (p < alert_alpha) & (k >= int(min_count))
        if exclude_alerts:
            used[:, t] = ~alert[:, t]
    where = pd.MultiIndex.from_frame(c[["channel", "topic", "day"]])
    for name, values in (("expected", expected), ("p_value", pvals), ("alert", alert)):
        c[name] = pd.DataFrame(values, index=grid.index, columns=grid.columns).stack().reindex(where).to_numpy()
    c["alert"] = c["alert"].fillna(False).astype(bool)
    return c


def alerts(scored: pd.DataFrame) -> pd.DataFrame:
    """The alert days, with how many times the expected count they saw (``ratio``), earliest first."""
    a = scored[scored["alert"]].assign(ratio=lambda d: d["negative"] / d["expected"].clip(lower=1e-9))
    return a.sort_values(["day", "p_value"])[["day", "channel", "topic", "negative", "expected", "ratio", "p_value"]]


def driving_topic(alert_rows: pd.DataFrame) -> str | None:
    """The topic with the most alerting negative contacts (None when there is no alert)."""
    if alert_rows.empty:
        return None
    return str(alert_rows.groupby("topic")["negative"].sum().sort_values(ascending=False, kind="stable").index[0])


def detection_delay(alert_rows: pd.DataFrame, topic: str, start: str, end: str) -> int | None:
    """Days from the incident's ``start`` to the first alert on ``topic`` between start and ``end`` (0 = flagged
    on the first day); None when it was never flagged in that window."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    hit = alert_rows[(alert_rows["topic"] == topic) & (alert_rows["day"] >= s) & (alert_rows["day"] <= e)]
    return None if hit.empty else int((hit["day"].min() - s).days)


def false_alarm_rate(scored: pd.DataFrame, start: str | None = None, end: str | None = None,
                     after_days: int = 7) -> dict[str, float | int]:
    """Alerts over the incident-free period (days with a baseline, outside [start, end + ``after_days``]): the rate
    per series-day, the share of days with any alert, and the number of such days."""
    d = scored.dropna(subset=["expected"])
    if start is not None and end is not None:
        out = (d["day"] < pd.Timestamp(start)) | (d["day"] > pd.Timestamp(end) + pd.Timedelta(days=after_days))
        d = d[out]
    per_day = d.groupby("day")["alert"].any()
    return {"false_alarm_rate": float(d["alert"].mean()) if len(d) else float("nan"),
            "false_alarm_day_share": float(per_day.mean()) if len(per_day) else float("nan"),
            "incident_free_days": int(len(per_day))}


__all__ = ["alerts", "daily_counts", "detect", "detection_delay", "driving_topic",
           "false_alarm_rate", "is_negative"]
