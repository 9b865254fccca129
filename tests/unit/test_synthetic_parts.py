"""Pieces of the synthetic generator tested alone: ad experiments at size small, samplers, writers, formats."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import phonenumbers
import pytest

from experiments.synthetic import ads, churn, writer
from experiments.synthetic.behaviour import Behaviour, draw_orders, expected_orders
from experiments.synthetic.population import _phone_variants, _valid_numbers
from experiments.synthetic.products import make_items, make_tastes, preference_cdf
from experiments.synthetic.purchases import ItemSampler
from experiments.synthetic.sizes import SIZES, rng_for


@pytest.fixture(scope="module")
def small_ads() -> tuple[pd.DataFrame, dict]:
    return ads.make_ad_events(SIZES["small"].exp_units, seed=11)


def _ratio_lift(df: pd.DataFrame) -> tuple[float, float]:
    """Relative CVR lift (treatment/control - 1) and its delta-method standard error, units as clusters."""
    est, var = {}, {}
    for v, d in df.groupby("variant"):
        c, k = d["conversions"].to_numpy(float), d["clicks"].to_numpy(float)
        r = c.sum() / k.sum()
        est[v], var[v] = r, ((c - r * k).var(ddof=1) * len(d) / k.sum() ** 2)
    rel = est["treatment"] / est["control"] - 1
    se = np.sqrt(var["treatment"] / est["control"] ** 2 + var["control"] * est["treatment"] ** 2 / est["control"] ** 4)
    return rel, se


def test_small_cvr_lift_is_detected_and_covers_the_planted_ten_percent(small_ads) -> None:
    df, truth = small_ads
    lift = df[df["experiment_id"] == "exp_cvr_lift"].drop_duplicates()
    rel, se = _ratio_lift(lift)
    assert truth["exp_cvr_lift"]["true_relative_lift"]["cvr"] == 0.10
    assert rel - 1.96 * se > 0  # detected
    assert rel - 2.58 * se <= 0.10 <= rel + 2.58 * se
    assert truth["exp_cvr_lift"]["power_at_alpha_0.05"] >= 0.95
    assert truth["exp_cvr_lift"]["power_by_size_at_alpha_0.05"]["tiny"] < 0.5  # stated honestly for tiny


def test_small_aa_test_shows_no_lift(small_ads) -> None:
    df, _ = small_ads
    rel, se = _ratio_lift(df[df["experiment_id"] == "exp_aa"])
    assert abs(rel) < 2.58 * se


def test_pre_period_metric_makes_cuped_worth_it(small_ads) -> None:
    df, _ = small_ads
    aa = df[df["experiment_id"] == "exp_aa"]
    corr = np.corrcoef(aa["pre_conversions"], aa["conversions"])[0, 1]
    assert corr >= 0.5  # CUPED variance reduction = corr^2 >= 25% (Deng et al. 2013)


def test_srm_experiment_is_detectably_unbalanced(small_ads) -> None:
    df, truth = small_ads
    n = df[df["experiment_id"] == "exp_srm"]["variant"].value_counts()
    expected = n.sum() / 2
    chi2 = ((n - expected) ** 2 / expected).sum()
    assert chi2 > 10.83  # p < 0.001 with 1 degree of freedom
    assert n["treatment"] / n.sum() == pytest.approx(0.5 * 0.94 / 0.97, abs=0.01)
    assert truth["exp_srm"]["srm_dropped_units"] == SIZES["small"].exp_units - n.sum()


def test_phone_numbers_are_valid_and_formatted_like_phonenumbers() -> None:
    rng = np.random.default_rng(0)
    fmt = phonenumbers.PhoneNumberFormat
    for region in ("CN", "US"):
        nums = _valid_numbers(rng, 150, region)
        assert len({n.national_number for n in nums}) == 150
        for num in nums:
            assert phonenumbers.is_valid_number(num)
            assert phonenumbers.region_code_for_number(num) == region
            assert _phone_variants(num) == (phonenumbers.format_number(num, fmt.E164),
                                            phonenumbers.format_number(num, fmt.INTERNATIONAL),
                                            phonenumbers.format_number(num, fmt.NATIONAL))


def test_item_sampler_draws_from_each_persons_distribution() -> None:
    items = make_items(40, seed=3)
    tastes = make_tastes(3, seed=3)
    cdf = preference_cdf(tastes, items)
    probs = np.diff(np.concatenate([np.zeros((3, 1)), cdf], axis=1), axis=1)
    sampler = ItemSampler(cdf.copy(), items, np.random.default_rng(1))
    n = 40_000
    for row in range(3):
        drawn = sampler.for_rows(np.full(n, row))
        freq = np.bincount(drawn, minlength=40) / n
        assert np.abs(freq - probs[row]).max() < 0.012


def _behaviour(n: int, trend: float, lapse: float) -> Behaviour:
    z = np.zeros(n, dtype=np.int64)
    return Behaviour(rate=np.full(n, 0.05), trend=np.full(n, trend), lapse_day=np.full(n, lapse),
                     price_sensitivity=np.zeros(n), pickiness=np.zeros(n), remote=np.zeros(n, bool),
                     p_shop=np.ones(n), shop_rec=z, shop_rec2=z - 1, pos_rec=z - 1, pos_rec2=z - 1, start_day=z)


@pytest.mark.parametrize(("trend", "lapse"), [(0.0, 1e9), (-0.004, 1e9), (0.002, 200.0)])
def test_thinning_matches_the_expected_number_of_orders(trend: float, lapse: float) -> None:
    n = 4000
    beh = _behaviour(n, trend, lapse)
    lo, hi = np.zeros(n, dtype=np.int64), np.full(n, 399, dtype=np.int64)
    person, day = draw_orders(beh, np.arange(n), lo, hi, 1.0, np.random.default_rng(5))
    expected = expected_orders(beh, lo.astype(float), hi.astype(float), grid=400).sum()
    assert len(person) == pytest.approx(expected, rel=0.04)
    assert day.min() >= 0 and day.max() <= 399
    late_share = (day >= 200).mean()
    if trend < 0:
        assert late_share < 0.4  # a falling trend puts fewer orders late in the window
    if lapse < 1e9:
        assert late_share < 0.15  # after the lapse the intensity drops to 5%


def test_churn_probability_follows_the_documented_logit() -> None:
    d = pd.DataFrame({"recency_days": [30, 300], "frequency_trend": [0.0, -1.0], "late_deliveries": [0, 2],
                      "returns": [0, 1], "negative_feedback": [0, 1], "discount_share": [0.0, 0.5],
                      "orders_before": [0, 3]})
    p = churn.churn_probability(d)
    c = churn.COEF
    logit0 = churn.INTERCEPT + c["log1p_recency_months"] * np.log(2.0)  # log1p(30/30)
    assert p[0] == pytest.approx(1 / (1 + np.exp(-logit0)))
    assert p[1] > p[0]


def test_xlsx_writer_round_trips_dates_numbers_and_text(tmp_path: Path) -> None:
    df = pd.DataFrame({"card_no": ["P0000001", "P0000002", "P0000003"], "name": ["  张三 ", "A & B <c>", None],
                       "join_date": [date(2024, 3, 5), 45356, date(2025, 1, 31)],
                       "birth_year": [1985, None, 2031]})
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    writer.write_xlsx(df, a, sheet="members")
    writer.write_xlsx(df, b, sheet="members")
    assert a.read_bytes() == b.read_bytes()
    back = pd.read_excel(a, sheet_name="members", dtype=object)
    assert list(back.columns) == list(df.columns)
    assert back["name"].iloc[0] == "  张三 " and back["name"].iloc[1] == "A & B <c>" and pd.isna(back["name"].iloc[2])
    assert pd.Timestamp(back["join_date"].iloc[0]) == pd.Timestamp("2024-03-05")
    assert back["join_date"].iloc[1] == 45356
    assert pd.isna(back["birth_year"].iloc[1]) and back["birth_year"].iloc[2] == 2031
    with zipfile.ZipFile(io.BytesIO(a.read_bytes())) as zf:
        assert {zi.date_time for zi in zf.infolist()} == {writer.FIXED_TIME.timetuple()[:6]}


def test_random_streams_are_independent_and_repeatable() -> None:
    assert rng_for(1, "orders").random() == rng_for(1, "orders").random()
    assert rng_for(1, "orders").random() != rng_for(1, "ads").random()
    assert rng_for(1, "orders").random() != rng_for(2, "orders").random()
