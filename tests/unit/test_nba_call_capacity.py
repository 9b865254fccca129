"""09's care-call capacity: the parameter when given, else 07's published staffing figure, else no limit; 07's
``staffing`` table keeps its contract."""

from __future__ import annotations

import pandas as pd

from experiments.data import contracts
from experiments.nba.decide import CALLS_PER_AGENT_WEEK, Rules, call_capacity, decide
from experiments.nba.sources import _agents_needed
from experiments.service.result import Result as ServiceResult


def test_capacity_sources():
    assert call_capacity(7, 12) == (7, "parameter")
    assert call_capacity(0, 12) == (0, "parameter")  # 0 given: no limit, as before
    assert call_capacity(None, 12) == (12 * CALLS_PER_AGENT_WEEK, "07 staffing")
    assert call_capacity(None, None) == (0, "none")


def test_staffing_capacity_caps_the_calls():
    effects = pd.DataFrame({"care call": [50.0, 40.0, 30.0, 20.0], "coupon": [1.0, 1.0, 1.0, 1.0]},
                           index=pd.Index(["a", "b", "c", "d"], name="customer_id"))
    cap, _ = call_capacity(None, 0)  # 0 agents: 0 means no limit
    assert cap == 0
    out = decide(effects, {"care call": 5.0, "coupon": 0.5}, 1.0, Rules(0.0, 2, 0, 0.0, 1))
    assert (out["action"] == "care call").sum() == 2
    assert set(out.loc[out["action"] == "coupon", "customer_id"]) == {"c", "d"}


def test_latest_staffing_week_is_read():
    table = pd.DataFrame({"week_start": pd.to_datetime(["2024-01-08", "2024-01-01"]), "agents_needed": [9, 4],
                          "contacts_forecast": [900.0, 400.0]})
    assert _agents_needed(table) == 9
    assert _agents_needed(None) is None
    assert _agents_needed(table.iloc[:0]) is None


def test_service_publishes_a_valid_staffing_row():
    future = pd.DataFrame({"forecast": [100.0] * 7}, index=pd.date_range("2024-03-04", periods=7, freq="D"))
    r = ServiceResult(input=None, contacts=None, levels=None, breaches=None, weekday=None, hour=None, weekend=None,
                      cube=None, future=future, plan=pd.DataFrame({"day": [], "agents": []}),
                      values={"agents_needed_next_week": 6, "contacts_forecast_next_week": 700.0})
    table = contracts.validate(r.staffing(), "staffing")
    assert table.to_dict("records") == [{"week_start": pd.Timestamp("2024-03-04"), "agents_needed": 6,
                                         "contacts_forecast": 700.0}]
    r.values["agents_needed_next_week"] = None  # the forecast did not run: nothing to publish
    assert r.staffing() is None
