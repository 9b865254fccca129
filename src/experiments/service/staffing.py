"""Staffing: daily contacts per channel forecast 28 days ahead, backtested, and turned into agents with Erlang C.

Forecast: statsmodels ``ETSModel`` ETS(A,N,A) (additive error, no trend, additive weekly seasonality; a damped
trend is optional; Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, ch. 8) with prediction
intervals; channels get the total's forecast split by their share of each weekday over the last four weeks.
Backtest: rolling origins, each forecasting ``horizon`` days from the data up to the origin, scored by MASE
(Hyndman & Koehler 2006: mean absolute error over the in-sample mean absolute error of the one-season naive
forecast) against the seasonal-naive forecast (each day = the same weekday a week earlier). Agents: Erlang C (an
M/M/N queue; Erlang 1917) on the busiest hour of a day, the smallest N whose probability of answering within the
target reaches the wanted service level.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

SEASON = 7


def daily_totals(df: pd.DataFrame, utc_offset_hours: float = 0.0) -> pd.DataFrame:
    """Contacts per local day (rows) and channel (columns), every day present (zeros filled)."""
    day = (df["opened_at"] + pd.Timedelta(hours=float(utc_offset_hours))).dt.tz_localize(None).dt.normalize()
    t = pd.crosstab(day, df["channel"].astype(str))
    t = t.reindex(pd.date_range(t.index.min(), t.index.max(), freq="D"), fill_value=0)
    t.index.name = "day"
    return t.astype(float)


def seasonal_naive(y: pd.Series, horizon: int, season: int = SEASON) -> np.ndarray:
    """Forecast ``horizon`` days: each day repeats the same position of the last full season."""
    last = np.asarray(y, float)[-season:]
    return np.resize(last, horizon)


def mase(actual: np.ndarray, forecast: np.ndarray, insample: np.ndarray, season: int = SEASON) -> float:
    """Mean absolute scaled error: MAE of ``forecast`` over the in-sample MAE of the seasonal-naive forecast."""
    ins = np.asarray(insample, float)
    scale = np.mean(np.abs(ins[season:] - ins[:-season]))
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(forecast, float))) / scale) if scale > 0 \
        else float("nan")


def ets_forecast(y: pd.Series, horizon: int, level: float = 0.9, damped_trend: bool = False) -> pd.DataFrame:
    """ETS forecast of ``horizon`` days after ``y`` (a daily series): columns forecast, lower, upper (the central
    ``level`` prediction interval, floored at 0), indexed by the forecast days. ETS(A,N,A), or ETS(A,Ad,A) with
    ``damped_trend``."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    y = pd.Series(np.asarray(y, float), index=pd.DatetimeIndex(y.index, freq="D"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ETSModel(y, error="add", trend="add" if damped_trend else None, damped_trend=damped_trend,
                       seasonal="add", seasonal_periods=SEASON).fit(disp=False, maxiter=200)
        frame = fit.get_prediction(start=len(y), end=len(y) + horizon - 1).summary_frame(alpha=1 - level)
    out = pd.DataFrame({"forecast": frame["mean"].to_numpy(), "lower": frame["pi_lower"].to_numpy(),
                        "upper": frame["pi_upper"].to_numpy()},
                       index=pd.date_range(y.index[-1] + pd.Timedelta(days=1), periods=horizon, freq="D"))
    return out.clip(lower=0)


def backtest(y: pd.Series, horizon: int = 28, n_origins: int = 4, step: int = 14,
             forecasts: list[pd.DataFrame] | None = None) -> pd.DataFrame:
    """Rolling-origin backtest: for each origin (the last ``horizon`` days, then ``step`` days earlier each time),
    fit on the data before it and score both ETS and seasonal naive by MASE on the next ``horizon`` days. The ETS
    forecast frames are appended to ``forecasts`` when given (the first is the latest origin)."""
    y = pd.Series(np.asarray(y, float), index=y.index)
    rows = []
    for k in range(int(n_origins)):
        cut = len(y) - horizon - k * step
        if cut < 4 * SEASON:
            break
        train, test = y.iloc[:cut], y.iloc[cut:cut + horizon].to_numpy()
        frame = ets_forecast(train, horizon)
        if forecasts is not None:
            forecasts.append(frame)
        ets = frame["forecast"].to_numpy()
        naive = seasonal_naive(train, horizon)
        rows.append({"origin": y.index[cut], "mase_ets": mase(test, ets, train.to_numpy()),
                     "mase_seasonal_naive": mase(test, naive, train.to_numpy())})
    return pd.DataFrame(rows)


def split_by_channel(total: pd.DataFrame, daily: pd.DataFrame, weeks: int = 4) -> pd.DataFrame:
    """Long frame day, channel, forecast: the total ``forecast`` split by each channel's share of the same weekday
    over the last ``weeks`` weeks of ``daily`` (days x channels)."""
    recent = daily.iloc[-7 * int(weeks):]
    share = recent.groupby(recent.index.day_of_week).sum()
    share = share.div(share.sum(axis=1).where(lambda v: v > 0, 1), axis=0)
    w = share.reindex(total.index.day_of_week).fillna(0).to_numpy()
    out = pd.DataFrame(w * total["forecast"].to_numpy()[:, None], index=total.index, columns=daily.columns)
    return out.rename_axis("day").reset_index().melt(id_vars="day", var_name="channel", value_name="forecast")


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that a contact waits (Erlang C) with offered ``traffic`` in Erlangs and ``agents`` servers;
    1 when agents <= traffic (the queue grows without bound). Computed through the Erlang B recursion."""
    if agents <= traffic:
        return 1.0
    b = 1.0
    for n in range(1, int(agents) + 1):
        b = traffic * b / (n + traffic * b)
    return float(agents * b / (agents - traffic * (1 - b)))


def service_level(traffic: float, agents: int, aht_seconds: float, target_seconds: float) -> float:
    """Share answered within ``target_seconds``: 1 - C x exp(-(N - A) x target / AHT) (Erlang C)."""
    if agents <= traffic:
        return 0.0
    return float(1 - erlang_c(traffic, agents) * math.exp(-(agents - traffic) * target_seconds / aht_seconds))


def agents_needed(contacts_per_hour: float, aht_seconds: float, target_seconds: float, level: float = 0.8) -> int:
    """The fewest agents answering ``level`` of contacts within ``target_seconds`` (Erlang C); 0 for no contacts."""
    if contacts_per_hour <= 0:
        return 0
    traffic = contacts_per_hour * aht_seconds / 3600
    n = max(1, math.floor(traffic) + 1)
    while service_level(traffic, n, aht_seconds, target_seconds) < level:
        n += 1
    return n


def staffing_plan(forecast: pd.DataFrame, peak_hour_share: dict[str, float], aht_minutes: dict[str, float],
                  target_minutes: dict[str, float], level: float = 0.8) -> pd.DataFrame:
    """Agents per day and channel: the forecast day's busiest hour (``peak_hour_share`` of the day's contacts) run
    through :func:`agents_needed` with the channel's handling time and reply target. ``forecast`` has columns
    day, channel, forecast; channels without a handling time (the bot) are skipped."""
    rows = forecast[forecast["channel"].isin(list(aht_minutes))].copy()
    if rows.empty:
        return rows.assign(peak_per_hour=pd.Series(dtype=float), agents=pd.Series(dtype="int64"))
    rows["peak_per_hour"] = rows["forecast"] * rows["channel"].map(peak_hour_share).fillna(0.1)
    rows["agents"] = [agents_needed(p, aht_minutes[c] * 60, target_minutes[c] * 60, level)
                      for p, c in zip(rows["peak_per_hour"], rows["channel"], strict=True)]
    return rows


__all__ = ["agents_needed", "backtest", "daily_totals", "erlang_c", "ets_forecast", "mase", "seasonal_naive",
           "service_level", "split_by_channel", "staffing_plan"]
