"""The alert rule on hand-made daily counts: warm-up, exposure, Poisson and negative-binomial limits, delay and
false-alarm rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.lab.config import notebook_parameters
from experiments.service import early_warning as ew

P = notebook_parameters("07_service_operations")


def _detect(counts: pd.DataFrame, **kw) -> pd.DataFrame:
    """``detect`` with the notebook's own defaults (baseline 28 days, alpha 0.001, min count 3, Poisson), ``kw``
    overriding them."""
    rule = {"baseline_days": P["baseline_days"], "alert_alpha": P["alert_alpha"], "min_count": P["min_alert_count"],
            "dispersion": P["alert_dispersion"]}
    return ew.detect(counts, **(rule | kw))


def _counts(neg: list[int], total: list[int], topic: str = "delivery") -> pd.DataFrame:
    days = pd.date_range("2025-01-01", periods=len(neg), freq="D")
    return pd.DataFrame({"day": days, "channel": "weibo", "topic": topic, "negative": neg, "total": total})


def test_a_spike_alerts_with_the_poisson_tail_and_steady_days_do_not() -> None:
    # 100 contacts a day, 5 negative; day 40 has 20 negative. Trailing rate = (140 + 0.5 x prior) / 2800.5 with
    # prior = the channel's share over the same 28 days, 140 / 2800 (one topic), so expected ~ 5.0;
    # P(X >= 20 | 5) ~ 2.6e-7.
    neg = [5] * 40
    neg[39] = 20
    s = _detect(_counts(neg, [100] * 40))
    assert s["expected"].iloc[:28].isna().all() and not s["alert"].iloc[:28].any()  # warm-up builds the baseline
    prior = 140 / 2800
    mu = (5 * 28 + 0.5 * prior) / (2800 + 0.5) * 100
    assert s["expected"].iloc[39] == pytest.approx(mu)
    assert s["p_value"].iloc[39] == pytest.approx(stats.poisson.sf(19, mu))
    assert s["alert"].tolist() == [False] * 39 + [True]


def test_the_baseline_scales_with_the_days_volume_so_a_busy_holiday_is_not_an_alert() -> None:
    # day 35 doubles both volume and negatives (a holiday): expected doubles too, no alert
    neg, total = [5] * 40, [100] * 40
    neg[34], total[34] = 10, 200
    s = _detect(_counts(neg, total))
    assert s["expected"].iloc[34] == pytest.approx(2 * s["expected"].iloc[33], rel=0.01)
    assert not s["alert"].any()


def test_min_count_and_dispersion_make_the_rule_stricter() -> None:
    neg = [0] * 40
    neg[39] = 2  # two negatives where none were expected: improbable but below min_count 3
    assert not _detect(_counts(neg, [100] * 40))["alert"].any()
    assert _detect(_counts(neg, [100] * 40), min_count=2)["alert"].iloc[39]
    spike = [5] * 40
    spike[39] = 12
    pois = _detect(_counts(spike, [100] * 40))["p_value"].iloc[39]
    nb = _detect(_counts(spike, [100] * 40), dispersion=0.2)["p_value"].iloc[39]
    assert nb > pois  # a heavier tail: the same count is less surprising


def test_negative_contacts_come_from_keywords_or_low_satisfaction() -> None:
    d = pd.DataFrame({"text": ["Delivery is LATE", "thanks", "ok", None], "satisfaction": [5, 2, None, 1]})
    assert ew.is_negative(d, ["late"]).tolist() == [True, True, False, True]


def test_daily_counts_fill_the_grid_and_use_local_days() -> None:
    # 23:30 UTC on Jan 1 is Jan 2 07:30 in Beijing; the (channel b, topic y) cell without contacts is a zero
    d = pd.DataFrame({"opened_at": pd.to_datetime(["2025-01-01 23:30", "2025-01-02 03:00"], utc=True),
                      "channel": ["a", "b"], "topic": ["x", "y"]})
    c = ew.daily_counts(d, pd.Series([True, False]), utc_offset_hours=8)
    assert len(c) == 4 and c["day"].unique().tolist() == [pd.Timestamp("2025-01-02")]
    assert c.set_index(["channel", "topic"]).loc[("a", "x"), "negative"] == 1
    assert c.set_index(["channel", "topic"])["total"].to_dict() == {("a", "x"): 1, ("a", "y"): 1, ("b", "x"): 1,
                                                                  ("b", "y"): 1}


def test_detection_delay_driving_topic_and_false_alarm_rate() -> None:
    alerts = pd.DataFrame({"day": pd.to_datetime(["2025-05-01", "2025-05-14", "2025-05-15"]),
                           "topic": ["refund", "delivery", "delivery"], "negative": [3, 9, 12]})
    assert ew.detection_delay(alerts, "delivery", "2025-05-12", "2025-05-18") == 2
    assert ew.detection_delay(alerts, "payment", "2025-05-12", "2025-05-18") is None
    assert ew.driving_topic(alerts) == "delivery" and ew.driving_topic(alerts.iloc[0:0]) is None
    # 10 scored days x 2 series; one alert on day 2 (outside), one inside the incident days 6-7 (+ 1 day after)
    days = pd.date_range("2025-01-01", periods=10)
    scored = pd.DataFrame({"day": np.repeat(days, 2), "expected": 1.0, "alert": False})
    scored.loc[2, "alert"] = True
    scored.loc[12, "alert"] = True
    fa = ew.false_alarm_rate(scored, "2025-01-06", "2025-01-07", after_days=1)
    assert fa["incident_free_days"] == 7 and fa["false_alarm_rate"] == pytest.approx(1 / 14)
    assert fa["false_alarm_day_share"] == pytest.approx(1 / 7)


def test_an_alerting_day_stays_out_of_the_baseline_so_a_wave_keeps_alerting() -> None:
    # 28 steady days (5 of 100) then a wave of 15 a day for 10 days (P(X >= 15 | 5) = 2e-4): with the alert days
    # left out, day 38's baseline is still the steady 5 and it alerts; left in, the baseline rises and from day 32
    # the wave blends in
    neg = [5] * 28 + [15] * 10
    kept = _detect(_counts(neg, [100] * 38))
    assert kept["alert"].iloc[28:].all() and kept["expected"].iloc[37] == pytest.approx(5.0, rel=1e-3)
    mixed = _detect(_counts(neg, [100] * 38), exclude_alerts=False)
    assert mixed["expected"].iloc[37] > 1.5 * kept["expected"].iloc[37]  # 8.2: nine wave days in the window
    assert mixed["alert"].iloc[28:].sum() < kept["alert"].iloc[28:].sum()
