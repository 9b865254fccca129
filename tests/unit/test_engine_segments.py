"""02's data steps on the engine (experiments.data.engine) against today's pandas code, on the tiny company world.

The per-customer calibration summaries (frequency, recency, T, monetary; ``transactions.summarise``), the RFM
activity table (``analysis.activity``) and the segment migration (``migration``'s matrix, summary and alert list)
must give the tables of the pandas code they replaced (kept here as the reference): exact for ids, counts and days,
1e-9 relative for sums. DuckDB always; PySpark in local mode when pyspark and a Java runtime are there (else skipped
with the reason).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine_helper import ENGINES
from experiments.data.engine import Engine
from experiments.segments import migration, rfm
from experiments.segments.analysis import activity
from experiments.segments.sources import load_company_inputs
from experiments.segments.transactions import summarise

UNITS = {"W": 7.0, "D": 1.0}


# ---- the pandas code the engine steps replaced (the reference) ----
def _daily(tx):
    return tx.groupby(["customer_id", "date"], as_index=False, sort=True)["amount"].sum()


def _summarise(tx, calibration_end, time_unit, holdout_end=None):
    unit = UNITS[time_unit]
    d = _daily(tx)
    cal = d[d["date"] <= calibration_end]
    g = cal.groupby("customer_id", sort=True)
    first, last, n, total, first_amount = (g["date"].min(), g["date"].max(), g.size(), g["amount"].sum(),
                                           g["amount"].first())
    x = (n - 1).astype(float)
    out = pd.DataFrame({"first": first, "x": x, "t_x": (last - first).dt.days / unit,
                        "T": (calibration_end - first).dt.days / unit,
                        "m": np.where(x > 0, (total - first_amount) / x.where(x > 0, 1.0), np.nan),
                        "monetary": total / n})
    if holdout_end is not None:
        ho = d[(d["date"] > calibration_end) & (d["date"] <= holdout_end)]
        hg = ho.groupby("customer_id")
        out["x_holdout"] = hg.size().reindex(out.index, fill_value=0).astype(float)
        out["amount_holdout"] = hg["amount"].sum().reindex(out.index, fill_value=0.0)
    out.index.name = "customer_id"
    return out


def _activity(tx, as_of, window):
    d = _daily(tx[tx["date"] <= as_of])
    g = d.groupby("customer_id", sort=True)
    first, last = g["date"].min(), g["date"].max()
    gaps = d["date"].diff().dt.days.where(d["customer_id"].eq(d["customer_id"].shift()))
    age = (as_of - d["date"]).dt.days
    return pd.DataFrame({
        "first_purchase": first, "last_purchase": last, "n_purchases": g.size(),
        "total_spend": g["amount"].sum(), "recency_days": (as_of - last).dt.days.astype(float),
        "tenure_days": (as_of - first).dt.days.astype(float),
        "purchase_cycle_days": gaps.groupby(d["customer_id"]).median(),
        "n_recent": (age < window).groupby(d["customer_id"]).sum(),
        "n_prev": ((age >= window) & (age < 2 * window)).groupby(d["customer_id"]).sum()})


def _both(previous, current, column):
    return previous[["customer_id", column]].merge(current[["customer_id", column]], on="customer_id",
                                                   suffixes=("_before", "_now"))


def _matrix(previous, current, column, order):
    both = _both(previous, current, column)
    m = pd.crosstab(both[f"{column}_before"], both[f"{column}_now"])
    m = m.reindex(index=list(order), columns=list(order), fill_value=0)
    m.index.name, m.columns.name = "before", "now"
    return m


def _summary(previous, current, column):
    both = _both(previous, current, column)
    moved = both[f"{column}_before"] != both[f"{column}_now"]
    alerts = {f"{a} -> {b}": int(((both[f"{column}_before"] == a) & (both[f"{column}_now"] == b)).sum())
              for a, b in migration.ALERT_MOVES}
    return {"in_both": len(both), "moved": int(moved.sum()),
            "new": int((~current["customer_id"].isin(previous["customer_id"])).sum()),
            "gone": int((~previous["customer_id"].isin(current["customer_id"])).sum()), "alerts": alerts}


def _alerts(previous, current, column):
    both = previous[["customer_id", column]].merge(current, on="customer_id", suffixes=("_before", ""))
    hit = pd.Series(False, index=both.index)
    for a, b in migration.ALERT_MOVES:
        hit |= (both[f"{column}_before"] == a) & (both[column] == b)
    return both.loc[hit, ["customer_id", f"{column}_before", column, "clv"]].sort_values("clv", ascending=False)


# ---- fixtures ----
@pytest.fixture(scope="module")
def tx(tiny_world) -> pd.DataFrame:
    return load_company_inputs(tiny_world / "processed")[0]


@pytest.fixture(scope="module")
def dates(tx) -> tuple[pd.Timestamp, pd.Timestamp]:
    as_of = tx["date"].max()
    return as_of - pd.Timedelta(days=90), as_of


@pytest.fixture(scope="module")
def runs(tx, dates) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two runs' segments: at the calibration end and at as_of, with never-buying prospects (no segment) in both,
    some customers only in one run, and clv with ties (the alert list's order)."""
    out = []
    for day, drop in zip(dates, (slice(0, 0), slice(0, 5)), strict=True):
        act = _activity(tx, day, 90)
        seg = rfm.rfm_scores(act["recency_days"], act["n_purchases"], act["total_spend"])
        table = seg[["rfm_segment"]].reset_index()
        table["clv"] = np.round(act["total_spend"].to_numpy() / 500) * 100  # ties on purpose
        prospects = pd.DataFrame({"customer_id": [f"P{i}" for i in range(4)], "rfm_segment": np.nan, "clv": 0.0})
        table = pd.concat([table.drop(index=table.index[drop]), prospects], ignore_index=True)
        out.append(table)
    prev, cur = out
    assert migration.migration_summary(prev, cur)["moved"] > 0
    return prev, cur


def _engine(kind: str) -> Engine:
    return Engine(kind, "local[1]", 0.5)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got.index.equals(want.index)
    assert list(got.columns) == list(want.columns)
    for col in want.columns:
        g, w = got[col], want[col]
        assert g.dtype == w.dtype, col
        if pd.api.types.is_float_dtype(w) and not w.eq(w.round()).all():
            np.testing.assert_allclose(g.to_numpy(), w.to_numpy(), rtol=1e-9, err_msg=col)
        else:
            pd.testing.assert_series_equal(g, w, check_exact=True, obj=col)


# ---- the steps ----
@pytest.mark.parametrize("kind", ENGINES)
@pytest.mark.parametrize("unit", ["W", "D"])
def test_calibration_summaries_on_the_engine_are_the_pandas_ones(kind, unit, tx, dates):
    cal_end, as_of = dates
    _same(summarise(tx, cal_end, unit, holdout_end=as_of, engine=_engine(kind)),
          _summarise(tx, cal_end, unit, holdout_end=as_of))
    _same(summarise(tx, as_of, unit, engine=_engine(kind)), _summarise(tx, as_of, unit))


@pytest.mark.parametrize("kind", ENGINES)
def test_rfm_activity_on_the_engine_is_the_pandas_one(kind, tx, dates):
    for day in dates:
        got, want = activity(tx, day, 30, _engine(kind)), _activity(tx, day, 30)
        _same(got, want)
        assert want["purchase_cycle_days"].isna().any() and (want["n_recent"] > 0).any()  # the cases are there


@pytest.mark.parametrize("kind", ENGINES)
def test_migration_on_the_engine_is_the_pandas_one(kind, runs):
    prev, cur = runs
    engine = _engine(kind)
    col = "rfm_segment"
    pd.testing.assert_frame_equal(migration.migration_matrix(prev, cur, order=rfm.SEGMENTS, engine=engine),
                                  _matrix(prev, cur, col, rfm.SEGMENTS))
    want = _summary(prev, cur, col)
    assert migration.migration_summary(prev, cur, engine=engine) == want
    assert want["new"] > 0 and want["gone"] == 5  # new buyers since; the five dropped from the current run
    pd.testing.assert_frame_equal(migration.alert_customers(prev, cur, engine=engine), _alerts(prev, cur, col))
