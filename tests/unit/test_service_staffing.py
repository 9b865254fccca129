"""Erlang C against a published worked example and the textbook formula; MASE, seasonal naive, ETS and the
rolling-origin backtest on series whose answer is known."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from experiments.service import staffing


def _erlang_c_textbook(a: float, n: int) -> float:
    # P(wait) = (A^N / N! x N / (N - A)) / (sum_{k<N} A^k / k! + A^N / N! x N / (N - A))
    top = a ** n / math.factorial(n) * n / (n - a)
    return top / (sum(a ** k / math.factorial(k) for k in range(n)) + top)


def test_erlang_c_matches_the_call_centre_helper_worked_example() -> None:
    # Call Centre Helper, "Erlang C formula - made simple": 100 calls in 30 minutes, AHT 180 s -> A = 10 Erlangs;
    # with 11 agents the probability of waiting is 68.21% and the average speed of answer 0.6821 x 180 / 1 = 122.8 s;
    # 80% answered within 20 s needs 14 agents (13 give 79.6%).
    assert staffing.erlang_c(10, 11) == pytest.approx(0.6821, abs=5e-5)
    assert staffing.erlang_c(10, 11) * 180 / (11 - 10) == pytest.approx(122.8, abs=0.05)
    assert staffing.service_level(10, 13, 180, 20) == pytest.approx(0.796, abs=5e-4)
    assert staffing.agents_needed(200, 180, 20, 0.8) == 14  # 200 calls an hour = 100 per half hour


def test_erlang_c_matches_a_textbook_exercise_answer() -> None:
    # M/M/m exercise quoted at math.stackexchange ("probability of a customer joining a queue via Erlang C curve"):
    # 120 customers an hour, 3 minutes each -> a = 6 Erlangs, 10 assistants; "from the Erlang C curve, the
    # probability of waiting is about 0.10". Read off a curve, so two decimals.
    assert staffing.erlang_c(6.0, 10) == pytest.approx(0.10, abs=0.005)


@pytest.mark.parametrize(("a", "n"), [(0.5, 1), (2.0, 3), (10.0, 11), (48.0, 55), (120.0, 131)])
def test_erlang_c_agrees_with_the_textbook_formula(a: float, n: int) -> None:
    assert staffing.erlang_c(a, n) == pytest.approx(_erlang_c_textbook(a, n), rel=1e-9)


def test_an_overloaded_queue_always_waits_and_no_contacts_need_no_agents() -> None:
    assert staffing.erlang_c(10, 10) == 1.0 and staffing.service_level(10, 9, 180, 20) == 0.0
    assert staffing.agents_needed(0, 180, 20) == 0


def test_mase_scales_by_the_in_sample_seasonal_naive_error() -> None:
    # in-sample: the week 1..7 then 2..8 -> every one-week-back difference is 1, so the scale is 1;
    # forecast errors 0.5 on average -> MASE 0.5
    ins = np.array([1, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7, 8], float)
    assert staffing.mase(np.array([1.0, 2.0]), np.array([1.5, 1.5]), ins) == pytest.approx(0.5)
    assert staffing.seasonal_naive(pd.Series(ins), 9).tolist() == [2, 3, 4, 5, 6, 7, 8, 2, 3]


def test_ets_beats_seasonal_naive_on_a_noisy_weekly_series_and_its_interval_holds_the_forecast() -> None:
    # weekly pattern x level 100 with Poisson noise: the naive copy of last week carries a week of noise, ETS
    # averages it out, so its MASE is lower at every origin
    rng = np.random.default_rng(3)
    days = pd.date_range("2025-01-01", periods=182, freq="D")
    week = np.array([1.1, 1.05, 1.0, 1.0, 1.0, 0.7, 0.65])
    y = pd.Series(rng.poisson(100 * week[days.day_of_week]).astype(float), index=days)
    bt = staffing.backtest(y, horizon=28, n_origins=3, step=14)
    assert len(bt) == 3 and (bt["mase_ets"] < bt["mase_seasonal_naive"]).all()
    f = staffing.ets_forecast(y, 14)
    assert len(f) == 14 and f.index[0] == pd.Timestamp("2025-07-02")
    assert ((f["lower"] <= f["forecast"]) & (f["forecast"] <= f["upper"])).all()
    by_day = f["forecast"].groupby(f.index.day_of_week).mean()
    assert by_day[[5, 6]].max() < by_day[[0, 1, 2, 3, 4]].min()  # the weekend dip is forecast


def test_staffing_plan_uses_the_peak_hour_and_skips_unstaffed_channels() -> None:
    fc = pd.DataFrame({"day": pd.to_datetime(["2025-07-01"] * 2), "channel": ["hotline", "app_chat"],
                       "forecast": [2000.0, 500.0]})
    plan = staffing.staffing_plan(fc, {"hotline": 0.1}, {"hotline": 3.0}, {"hotline": 20 / 60}, 0.8)
    # hotline: 10% of 2,000 in the peak hour = 200 calls, AHT 3 min, 80% in 20 s -> the worked example's 14
    assert plan["channel"].tolist() == ["hotline"] and plan["agents"].tolist() == [14]


def test_the_total_forecast_is_split_by_each_channels_weekday_share() -> None:
    # four weeks: on Mondays a has 30 and b 10 (75% / 25%), on other days a 10 and b 10 (50% / 50%)
    days = pd.date_range("2025-06-02", periods=28, freq="D")  # starts on a Monday
    daily = pd.DataFrame({"a": np.where(days.day_of_week == 0, 30.0, 10.0), "b": 10.0}, index=days)
    total = pd.DataFrame({"forecast": [100.0, 100.0]}, index=pd.date_range("2025-06-30", periods=2))  # Mon, Tue
    split = staffing.split_by_channel(total, daily).set_index(["day", "channel"])["forecast"]
    assert split.loc[(pd.Timestamp("2025-06-30"), "a")] == pytest.approx(75.0)
    assert split.loc[(pd.Timestamp("2025-07-01"), "b")] == pytest.approx(50.0)


def test_a_plan_without_staffed_channels_is_empty() -> None:
    fc = pd.DataFrame({"day": pd.to_datetime(["2025-07-01"]), "channel": ["BrandA"], "forecast": [5.0]})
    assert staffing.staffing_plan(fc, {}, {"hotline": 3.0}, {"hotline": 5.0}).empty
