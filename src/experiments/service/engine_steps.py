"""07's data steps on the engine (``experiments.data.engine``: DuckDB, or Spark through the same SQL).

- ``first_replies``: a message log's contacts, one row each: opening (earliest inbound message), inbound messages,
  and the earliest reply with its author (ties: the reply read first), from the inbound messages already mapped to
  their contact (``contacts._roots``, rule 1) and the replies mapped the same way.
- ``reply_aggregates``: per channel (and over all contacts) contacts, replied, target, median and 90th-percentile
  reply minutes (linear interpolation, as pandas' ``quantile``) and contacts within target; and the cube channel x
  local weekday x local hour of contacts and contacts within target, from which ``reply_times`` reads the hour and
  weekday tables, the worst hours, the weekend gap and staffing's peak-hour share.

Times cross into the engine as epoch microseconds (``engine.to_micros``), a missing time as NULL through a flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.data.engine import from_micros, to_micros

FIRST_REPLY_SQL = """
WITH o AS (SELECT contact_id, MIN(CASE WHEN has_ts THEN ts END) AS opened, COUNT(*) AS messages
           FROM inbound WHERE contact_id IS NOT NULL GROUP BY contact_id),
     r AS (SELECT contact_id, ts, author,
                  ROW_NUMBER() OVER (PARTITION BY contact_id ORDER BY ts, seq) AS rn
           FROM replies WHERE has_ts)
SELECT o.contact_id, o.opened, o.messages, r.ts AS first_reply, r.author AS channel, r.ts IS NOT NULL AS answered
FROM o LEFT JOIN r ON o.contact_id = r.contact_id AND r.rn = 1
ORDER BY o.contact_id
"""

#: Quantiles by linear interpolation (pandas' default) in plain SQL that both engines run alike: each group's
#: replied values ranked 0 .. k-1, the two ranks around (k - 1) q picked; ``reply_aggregates`` interpolates.
QUANTILES = (0.5, 0.9)

LEVELS_SQL = """
WITH g AS (SELECT channel AS grp, 0 AS is_all, target, within, replied, reply_minutes FROM c WHERE has_channel
           UNION ALL
           SELECT '' AS grp, 1 AS is_all, CAST(NULL AS DOUBLE) AS target, within, replied, reply_minutes FROM c),
     counts AS (SELECT grp, is_all, COUNT(*) AS contacts, SUM(CASE WHEN replied THEN 1 ELSE 0 END) AS replied,
                       MIN(target) AS target_minutes, SUM(within) AS within FROM g GROUP BY grp, is_all),
     r AS (SELECT grp, is_all, reply_minutes AS rm,
                  ROW_NUMBER() OVER (PARTITION BY grp, is_all ORDER BY reply_minutes) - 1 AS i,
                  COUNT(*) OVER (PARTITION BY grp, is_all) AS k
           FROM g WHERE replied),
     q AS (SELECT grp, is_all, {picks} FROM r GROUP BY grp, is_all)
SELECT counts.*, {picked}
FROM counts LEFT JOIN q ON counts.grp = q.grp AND counts.is_all = q.is_all
"""


def _levels_sql() -> str:
    picks, picked = [], []
    for q in QUANTILES:
        tag = f"{round(q * 100):d}"
        picks += [f"MAX(CASE WHEN i = FLOOR((k - 1) * {q}) THEN rm END) AS lo_{tag}",
                  f"MAX(CASE WHEN i = CEIL((k - 1) * {q}) THEN rm END) AS hi_{tag}"]
        picked += [f"q.lo_{tag}", f"q.hi_{tag}"]
    return LEVELS_SQL.format(picks=", ".join(picks), picked=", ".join(picked))


def _interpolate(lv: pd.DataFrame, q: float) -> np.ndarray:
    """The ``q`` quantile of each group from its two picked ranks (NaN for a group with no replies)."""
    tag = f"{round(q * 100):d}"
    k = lv["replied"].to_numpy(float)
    pos = (k - 1) * q
    frac = pos - np.floor(pos)
    lo, hi = lv[f"lo_{tag}"].to_numpy(float), lv[f"hi_{tag}"].to_numpy(float)
    return np.where(k > 0, lo + (hi - lo) * frac, np.nan)


CUBE_SQL = """
SELECT channel, weekday, hour, COUNT(*) AS contacts, SUM(within) AS within
FROM c WHERE has_channel GROUP BY channel, weekday, hour ORDER BY channel, weekday, hour
"""


def _text(values: pd.Series) -> np.ndarray:
    """Text as Python strings (None for missing), which both engines read the same way."""
    return np.asarray(values.astype(object).where(values.notna(), None), dtype=object)


def _times(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Epoch microseconds (0 where missing) and the flag of present times."""
    present = values.notna().to_numpy()
    micros = np.zeros(len(values), dtype=np.int64)
    if present.any():
        micros[present] = to_micros(values[present])
    return micros, present


def first_replies(engine, inbound: pd.DataFrame, replies: pd.DataFrame) -> pd.DataFrame:  # noqa: ANN001
    """One row per contact (sorted by ``contact_id``): contact_id, opened_at, messages, first_reply_at, channel.

    ``inbound``: contact_id and ``at`` of every inbound message; ``replies``: contact_id, ``at`` and ``author`` of
    every reply to one of them, in log order. Unanswered contacts have no first_reply_at and no channel."""
    at, has_at = _times(inbound["at"])
    inb = pd.DataFrame({"contact_id": _text(inbound["contact_id"]), "ts": at, "has_ts": has_at})
    r_at, r_has = _times(replies["at"])
    rep = pd.DataFrame({"contact_id": _text(replies["contact_id"]), "ts": r_at, "has_ts": r_has,
                        "author": _text(replies["author"]), "seq": np.arange(len(replies), dtype=np.int64)})
    out = engine.query(FIRST_REPLY_SQL, {"inbound": inb, "replies": rep})
    like = inbound["at"]
    opened = from_micros(out["opened"].fillna(0).astype("int64"), like).where(out["opened"].notna().to_numpy())
    answered = out["answered"].astype(bool).to_numpy()
    first = from_micros(out["first_reply"].fillna(0).astype("int64"), like).where(answered)
    return pd.DataFrame({"contact_id": out["contact_id"].astype("string").to_numpy(), "opened_at": opened.to_numpy(),
                         "messages": out["messages"].astype("int64").to_numpy(),
                         "first_reply_at": first.to_numpy(),
                         "channel": out["channel"].astype("string").where(answered).to_numpy()})


@dataclass
class ReplyAggregates:
    """``levels``: per channel (index) contacts, replied, target_minutes, median_minutes, p90_minutes, within;
    ``total``: the same over every contact (one row, ``all``; target_minutes NaN); ``cube``: channel, weekday,
    hour, contacts, within (sorted by channel, weekday, hour)."""

    levels: pd.DataFrame
    total: pd.DataFrame
    cube: pd.DataFrame


def reply_aggregates(engine, d: pd.DataFrame) -> ReplyAggregates:  # noqa: ANN001 - data.engine.Engine
    """The per-channel and channel x weekday x hour aggregates of ``d`` (``reply_times.with_targets``'s frame) on
    ``engine``. Contacts without a channel count in the total only (as pandas' groupby leaves them out)."""
    c = pd.DataFrame({"channel": _text(d["channel"]), "has_channel": d["channel"].notna().to_numpy(),
                      "target": d["target_minutes"].to_numpy(np.float64),
                      "within": d["within_target"].astype(bool).to_numpy().astype(np.int64),
                      "replied": d["reply_minutes"].notna().to_numpy(),
                      "reply_minutes": d["reply_minutes"].fillna(0).to_numpy(np.float64),
                      "weekday": d["weekday"].to_numpy(np.int64), "hour": d["hour"].to_numpy(np.int64)})
    lv = engine.query(_levels_sql(), {"c": c})
    cube = engine.query(CUBE_SQL, {"c": c})
    for col in ("contacts", "replied", "within"):
        lv[col] = lv[col].fillna(0).astype(np.int64)
    lv["target_minutes"] = lv["target_minutes"].astype(float)
    lv["median_minutes"], lv["p90_minutes"] = (_interpolate(lv, q) for q in QUANTILES)
    num = ["contacts", "replied", "target_minutes", "median_minutes", "p90_minutes", "within"]
    is_all = lv["is_all"].astype(int) == 1
    levels = lv[~is_all].rename(columns={"grp": "channel"}).set_index("channel")[num].sort_index()
    levels.index = levels.index.astype(d["channel"].dtype)
    total = lv[is_all][num].set_axis(["all"])
    cube = pd.DataFrame({"channel": cube["channel"].astype(d["channel"].dtype).to_numpy(),
                         "weekday": cube["weekday"].astype(d["weekday"].dtype).to_numpy(),
                         "hour": cube["hour"].astype(d["hour"].dtype).to_numpy(),
                         "contacts": cube["contacts"].astype(np.int64).to_numpy(),
                         "within": cube["within"].fillna(0).astype(np.int64).to_numpy()})
    return ReplyAggregates(levels, total, cube)


__all__ = ["CUBE_SQL", "FIRST_REPLY_SQL", "LEVELS_SQL", "QUANTILES", "ReplyAggregates", "first_replies",
           "reply_aggregates"]
