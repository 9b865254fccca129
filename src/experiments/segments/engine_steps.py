"""02's data steps written once in SQL and run on the data engine (``experiments.data.engine``: DuckDB or Spark).

- ``customer_days``: the per-customer aggregates of the customer-days up to a day (first and last day, number of
  days, total and first-day spend, the median gap between days, days in two recent windows; with a holdout end the
  days and spend after the first day): the inputs of the calibration summaries (frequency, recency, T, monetary;
  ``transactions.summarise``) and of the RFM activity table (``analysis.activity``);
- ``migration_pairs`` / ``alert_hits``: customers per (previous segment, current segment) and the customers who made
  an alert move, the inputs of ``migration``'s matrix, summary and alert list.

A customer-day is one customer's purchases on one day, amounts summed (``transactions.daily``). Days cross into the
engine as epoch microseconds (``engine.to_micros``), so day counts are exact integer arithmetic on both engines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAY_US = 86_400_000_000
"""Microseconds per day."""

CUSTOMER_DAYS_SQL = """
WITH d AS (SELECT c, t, {sum}(a) AS a FROM tx WHERE t <= {end} GROUP BY c, t),
g AS (SELECT c, t, a, (t - LAG(t) OVER (PARTITION BY c ORDER BY t)) // {day} AS gap FROM d WHERE t <= {upto}),
cal AS (SELECT c, MIN(t) AS first, MAX(t) AS last, COUNT(*) AS n, {sum}(a) AS total, ARG_MIN(a, t) AS first_amount,
               MEDIAN(gap) AS cycle, SUM(CASE WHEN {upto} - t < {window} THEN 1 ELSE 0 END) AS n_recent,
               SUM(CASE WHEN {upto} - t >= {window} AND {upto} - t < 2 * {window} THEN 1 ELSE 0 END) AS n_prev
        FROM g GROUP BY c),
later AS (SELECT c, COUNT(*) AS n_later, {sum}(a) AS amount_later FROM d WHERE t > {upto} GROUP BY c)
SELECT cal.*, COALESCE(later.n_later, 0) AS n_later, COALESCE(later.amount_later, 0.0) AS amount_later
FROM cal LEFT JOIN later ON cal.c = later.c ORDER BY cal.c
"""

MIGRATION_SQL = """
SELECT p.s AS s_before, c.s AS s_now, COUNT(*) AS n
FROM prev p JOIN cur c ON p.id = c.id GROUP BY p.s, c.s
"""

NEW_GONE_SQL = """
SELECT (SELECT COUNT(*) FROM cur LEFT JOIN (SELECT DISTINCT id FROM prev) q ON cur.id = q.id WHERE q.id IS NULL)
         AS new,
       (SELECT COUNT(*) FROM prev LEFT JOIN (SELECT DISTINCT id FROM cur) q ON prev.id = q.id WHERE q.id IS NULL)
         AS gone
"""

ALERT_SQL = """
WITH both_runs AS (SELECT p.pos, p.id, p.s AS s_before, c.s AS s_now,
                          ROW_NUMBER() OVER (ORDER BY p.pos, c.pos) - 1 AS row
                   FROM prev p JOIN cur c ON p.id = c.id)
SELECT pos, id, s_before, row FROM both_runs WHERE {moves} ORDER BY row
"""


def _micros(day: pd.Timestamp) -> int:
    from experiments.data.engine import to_micros

    return int(to_micros(pd.Series([pd.Timestamp(day)]))[0])


def customer_days(tx: pd.DataFrame, upto: pd.Timestamp, engine, *, window_days: int = 0,  # noqa: ANN001 - Engine
                  later_end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per customer with a purchase on or before ``upto`` (index ``customer_id``, sorted), from the customer-days of
    ``tx`` (``customer_id``, ``date``, ``amount``) on ``engine``.

    Columns: first, last (dates), n (customer-days), total, first_amount (spend of the first day), cycle (median
    whole days between consecutive days, NaN with one day), n_recent / n_prev (days less than ``window_days`` before
    ``upto`` / from one to two windows before), n_later / amount_later (days and spend in (``upto``, ``later_end``];
    0 without ``later_end``)."""
    from experiments.data.engine import exact_sum, from_micros, to_micros

    x = pd.DataFrame({"c": np.asarray(tx["customer_id"], dtype=object), "t": to_micros(tx["date"]),
                      "a": tx["amount"].to_numpy(np.float64)})
    end = upto if later_end is None else max(upto, later_end)
    sql = CUSTOMER_DAYS_SQL.format(end=_micros(end), upto=_micros(upto), day=DAY_US,
                                   window=int(window_days) * DAY_US, sum=exact_sum(engine))
    out = engine.query(sql, {"tx": x})
    like = tx["date"]
    frame = pd.DataFrame({
        "first": from_micros(out["first"], like).to_numpy(), "last": from_micros(out["last"], like).to_numpy(),
        "n": out["n"].to_numpy(np.int64), "total": out["total"].to_numpy(np.float64),
        "first_amount": out["first_amount"].to_numpy(np.float64),
        "cycle": pd.to_numeric(out["cycle"]).to_numpy(np.float64),
        "n_recent": out["n_recent"].to_numpy(np.int64), "n_prev": out["n_prev"].to_numpy(np.int64),
        "n_later": out["n_later"].to_numpy(np.int64), "amount_later": out["amount_later"].to_numpy(np.float64)},
        index=pd.Index(out["c"].to_numpy(), name="customer_id").astype(tx["customer_id"].dtype))
    return frame.sort_index()


def _segment_frames(previous: pd.DataFrame, current: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    def one(frame: pd.DataFrame) -> pd.DataFrame:
        s = frame[column].astype(object)
        return pd.DataFrame({"pos": np.arange(len(frame), dtype=np.int64),
                             "id": np.asarray(frame["customer_id"].astype(str), dtype=object),
                             "s": np.asarray(s.where(s.notna(), None), dtype=object)})

    return {"prev": one(previous), "cur": one(current)}


def migration_pairs(previous: pd.DataFrame, current: pd.DataFrame, column: str,
                    engine) -> tuple[pd.DataFrame, dict[str, int]]:  # noqa: ANN001 - Engine
    """((s_before, s_now, n) for the customers in both runs, missing segments as None; {"new": .., "gone": ..})."""
    tables = _segment_frames(previous, current, column)
    pairs = engine.query(MIGRATION_SQL, tables)
    pairs["n"] = pairs["n"].astype(np.int64)
    for col in ("s_before", "s_now"):
        pairs[col] = pairs[col].astype(object).where(pairs[col].notna(), None)
    counts = engine.query(NEW_GONE_SQL, tables)
    return pairs, {"new": int(counts["new"].iloc[0]), "gone": int(counts["gone"].iloc[0])}


def alert_hits(previous: pd.DataFrame, current: pd.DataFrame, column: str, moves: tuple[tuple[str, str], ...],
               engine) -> pd.DataFrame:  # noqa: ANN001 - Engine
    """(pos, id, s_before, row) of the customers in both runs who made one of ``moves``, in ``previous``'s row
    order; ``pos`` is the row in ``previous``, ``row`` the row in the inner join of the two runs (pandas' merge)."""
    from experiments.data.engine import sql_literal

    cond = " OR ".join(f"(s_before = {sql_literal(a)} AND s_now = {sql_literal(b)})" for a, b in moves) or "FALSE"
    return engine.query(ALERT_SQL.format(moves=cond), _segment_frames(previous, current, column))
