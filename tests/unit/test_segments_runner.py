"""02 through the runner on a flat table written here (30 customers, weekly-ish purchases in 2024), every count
worked out from the rows and every model figure recomputed from a summary built here with plain pandas.

Customer i (c00..c29) buys every (i % 5 + 1) weeks from 2024-01-01 + i days to 2024-12-31, spending 10 + i each time,
with a second line of 1.0 on every tenth purchase day (same day: one customer-day). Customers c25..c29 start after
the calibration end (2024-09-30 + 1 day onwards). A guest row (no customer) and a refund (negative amount) are
dropped and counted. The same table then runs twice more through ``segments.run`` (publishing into a temporary data
folder) to check the migration between runs that moved out of a notebook cell.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments import segments
from experiments.lab.config import notebook_parameters
from experiments.segments import btyd

pytestmark = pytest.mark.slow
CAL, AS_OF = "2024-09-30", "2024-12-31"
N = 30


def _table() -> pd.DataFrame:
    rows = []
    for i in range(N):
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=i) if i < 25 else \
            pd.Timestamp("2024-10-01") + pd.Timedelta(days=3 * (i - 25))
        for k, day in enumerate(pd.date_range(start, AS_OF, freq=f"{7 * (i % 5 + 1)}D")):
            rows.append((f"c{i:02d}", f"{day:%Y-%m-%d}", 10.0 + i))
            if k % 10 == 0:
                rows.append((f"c{i:02d}", f"{day:%Y-%m-%d}", 1.0))
    rows += [("", "2024-03-01", 50.0), ("c01", "2024-03-02", -12.0)]
    return pd.DataFrame(rows, columns=["who", "when", "spent"])


def _summary(df: pd.DataFrame) -> pd.DataFrame:
    """x, t_x, T (weeks) per calibration customer, by plain pandas on customer-days."""
    d = df[(df["who"] != "") & (df["spent"] > 0)].assign(when=lambda f: pd.to_datetime(f["when"]))
    d = d[d["when"] <= CAL].drop_duplicates(["who", "when"])
    g = d.groupby("who")["when"]
    return pd.DataFrame({"x": g.size() - 1.0, "t_x": (g.max() - g.min()).dt.days / 7,
                         "T": (pd.Timestamp(CAL) - g.min()).dt.days / 7})


@pytest.fixture(scope="module")
def flat_run(tmp_path_factory):
    from experiments.lab import runner

    tmp = tmp_path_factory.mktemp("seg_runner")
    path = tmp / "purchases.csv"
    df = _table()
    df.to_csv(path, index=False)
    mp = pytest.MonkeyPatch()
    mp.setenv("CIL_DATA_DIR", str(tmp / "data"))
    mp.setenv("CIL_REPORTS_DIR", str(tmp / "reports"))
    try:
        record = runner.run(["02_customer_segmentation"], profile=None, cli_overrides=[
            f"input_path={path}", "customer_col=who", "time_col=when", "amount_col=spent",
            f"calibration_end={CAL}", f"as_of={AS_OF}", "publish=false"])
    finally:
        mp.undo()
    nb = record["notebooks"][0]
    assert nb["status"] == "passed", nb.get("error")
    folder = tmp / "reports" / record["folder"] / "02_customer_segmentation"
    return {"df": df, "metrics": json.loads((folder / "metrics.json").read_text()),
            "html": (folder / "02_customer_segmentation.html").read_text(encoding="utf-8")}


def test_counts_from_the_rows(flat_run):
    m, s = flat_run["metrics"], _summary(flat_run["df"])
    assert (m["n_customers"], m["n_buyers"]) == (N, N)
    assert m["n_calibration_customers"] == len(s) == 25
    assert m["n_repeat_customers"] == int((s["x"] > 0).sum()) == 25
    assert (m["calibration_end"], m["as_of"]) == (CAL, AS_OF)
    assert sum(m[k] for k in m if k.startswith("n_rfm_")) == N
    # value tiers: the top 20% (6) and the next 30% (9) of the 30 buyers by CLV
    assert (m["share_value_high"], m["share_value_medium"]) == (0.2, 0.3)
    assert m["n_moved_since_previous"] is None  # publish is off: no migration


def test_model_figures_equal_fits_on_the_hand_summary(flat_run):
    m, s = flat_run["metrics"], _summary(flat_run["df"])
    bg = btyd.fit_bgnbd(s["x"], s["t_x"], s["T"])
    for k in btyd.BGNBD_PARAMS:
        assert m[f"bgnbd_{k}"] == pytest.approx(bg.params[k], rel=1e-4, abs=1e-6), k  # metrics round to 6 places
    assert m["bgnbd_loglik"] == pytest.approx(bg.loglik, abs=1e-3)
    # issue 20 item 3: the Pareto/NBD on every calibration customer, its log-likelihood over all of them
    assert m["pareto_fit_customers"] == 25
    at = tuple(m[f"pareto_{k}"] for k in btyd.PARETO_PARAMS)
    assert m["pareto_loglik"] == pytest.approx(float(btyd.pareto_loglik(at, s["x"], s["t_x"], s["T"]).sum()),
                                               abs=0.01)


def test_report_says_what_was_left_out_and_shows_no_migration(flat_run):
    html = flat_run["html"]
    assert "Rows left out: 1 without a customer, 1 with a negative amount (refunds)." in html
    assert "Publishing is off" in html
    assert "No planted truth here" in html  # the truth section is for the company world only


def test_migration_between_runs_of_the_same_source(tmp_path, monkeypatch):
    # the notebook cell's branch (no previous run / previous run / publishing off), now Result.moves and
    # present.migration: a first run publishes, the second compares with it
    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "purchases.csv"
    df = _table()
    df.to_csv(path, index=False)
    params = {"input_path": str(path), "customer_col": "who", "time_col": "when", "amount_col": "spent",
              "calibration_end": CAL, "publish": True}
    first = segments.run(segments.Config.from_parameters(notebook_parameters(
        "02_customer_segmentation", None, params | {"as_of": "2024-12-15"})))
    assert first.previous is None and first.metrics()["n_moved_since_previous"] is None
    first.publish(stamp="20250101T000000")
    second = segments.run(segments.Config.from_parameters(notebook_parameters(
        "02_customer_segmentation", None, params | {"as_of": AS_OF})))
    assert second.previous is not None
    before = first.table.set_index("customer_id")["rfm_segment"]
    now = second.table.set_index("customer_id")["rfm_segment"]
    moved = int((before != now.reindex(before.index)).sum())
    assert second.metrics()["n_moved_since_previous"] == moved == second.moves["moved"]
    assert second.moves["in_both"] == N
    assert "migration" in second.tables
    off = segments.run(segments.Config.from_parameters(notebook_parameters(
        "02_customer_segmentation", None, params | {"as_of": AS_OF, "publish": False})))
    assert off.previous is None and off.publish() is None
    assert np.isclose(off.metrics()["clv_total"], second.metrics()["clv_total"])
