"""Customer-day transactions, calibration summaries, validation of a flat table, CLV and indicators by hand."""

import numpy as np
import pandas as pd
import pytest

from experiments import segments
from experiments.common.errors import ParameterError
from experiments.data.tables import DataInputError
from experiments.lab.config import notebook_parameters
from experiments.segments import btyd, holdout, indicators, sources
from experiments.segments.transactions import summarise, validate_transactions

COLS = {"customer": "cust", "date": "day", "amount": "value"}


def _tx(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"]).assign(date=lambda d: pd.to_datetime(d.date))


def test_summary_by_hand_one_transaction_per_day():
    tx = _tx([("a", "2024-01-01", 10), ("a", "2024-01-01", 5),   # same day: one transaction of 15
              ("a", "2024-01-15", 20), ("a", "2024-01-29", 40),  # repeats at weeks 2 and 4
              ("a", "2024-03-01", 99),                            # holdout
              ("b", "2024-01-22", 7),                             # one purchase, T = 3 weeks
              ("c", "2024-02-20", 1)])                            # first purchase after calibration: not included
    s = summarise(tx, pd.Timestamp("2024-02-12"), "W", holdout_end=pd.Timestamp("2024-03-31"))
    assert s.index.tolist() == ["a", "b"]
    a, b = s.loc["a"], s.loc["b"]
    # a: x = 2 repeats, t_x = 28 days = 4 weeks, T = 42 days = 6 weeks, m = (20 + 40) / 2, monetary = 75 / 3
    assert (a["x"], a["t_x"], a["T"], a["m"], a["monetary"]) == (2, 4, 6, 30, 25)
    assert (a["x_holdout"], a["amount_holdout"]) == (1, 99)
    assert (b["x"], b["t_x"], b["T"]) == (0, 0, 3) and np.isnan(b["m"])
    assert summarise(tx, pd.Timestamp("2024-02-12"), "D").loc["a", "T"] == 42


def test_unknown_time_unit_is_refused():
    with pytest.raises(ValueError, match="time_unit"):
        summarise(_tx([("a", "2024-01-01", 1)]), pd.Timestamp("2024-02-01"), "M")


def test_validation_drops_guests_and_refunds_and_counts_them():
    raw = pd.DataFrame({"customer": ["1", None, "2", "3", " "], "date": ["2024-01-01"] * 5,
                        "amount": [10.0, 5.0, -3.0, 0.0, 4.0]})
    clean, dropped = validate_transactions(raw, "t.csv", COLS)
    assert clean["customer_id"].tolist() == ["1", "3"]  # a zero amount is still a purchase (CDNOW has them)
    assert dropped == {"no_customer": 2, "negative_amount": 1, "zero_amount": 0, "non_finite_amount": 0}
    clean, dropped = validate_transactions(raw, "t.csv", COLS, keep_zero=False)
    assert clean["customer_id"].tolist() == ["1"] and dropped["zero_amount"] == 1


def test_excel_float_ids_keep_their_written_form():
    raw = pd.DataFrame({"customer": [12345.0, 12346.0], "date": ["2024-01-01", "2024-01-02"], "amount": [1.0, 2.0]})
    assert validate_transactions(raw, "t.xlsx", COLS)[0]["customer_id"].tolist() == ["12345", "12346"]


def test_bad_dates_and_amounts_stop_with_file_column_and_rows():
    raw = pd.DataFrame({"customer": ["1", "2", "3"], "date": ["2024-01-01", "soon", "2024-01-03"],
                        "amount": [1.0, 2.0, 3.0]})
    with pytest.raises(DataInputError, match=r"t\.csv: column 'day' has 1 values that are not dates \(row 2"):
        validate_transactions(raw, "t.csv", COLS)
    raw = pd.DataFrame({"customer": ["1", "2"], "date": ["2024-01-01", "2024-01-02"], "amount": ["1.5", "abc"]})
    with pytest.raises(DataInputError, match=r"column 'value' has 1 values that are not numbers \(row 2"):
        validate_transactions(raw, "t.csv", COLS)


def test_ambiguous_slash_dates_are_not_guessed():
    raw = pd.DataFrame({"customer": ["1", "2"], "date": ["1/2/24", "3/4/24"], "amount": [1.0, 2.0]})
    with pytest.raises(DataInputError, match="ambiguous"):
        validate_transactions(raw, "t.csv", COLS)
    clean, _ = validate_transactions(raw, "t.csv", COLS, date_order="mdy")
    assert clean["date"].tolist() == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-03-04")]


def test_missing_column_names_the_parameter(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"CustomerID": [1], "Date": ["2024-01-01"], "Amount": [1.0]}).to_csv(path, index=False)
    with pytest.raises(DataInputError, match=r"amount_col asks for column 'amt'.*did you mean 'Amount'"):
        sources.load(_cfg(input_path=str(path), customer_col="CustomerID", time_col="Date", amount_col="amt"))
    with pytest.raises(DataInputError, match="give amount_col, or both quantity_col and price_col"):
        sources.load(_cfg(input_path=str(path), customer_col="CustomerID", time_col="Date", amount_col=""))


def test_amount_from_quantity_times_price(tmp_path):
    path = tmp_path / "lines.csv"
    # two customers: sources.load stops below transactions.MIN_CUSTOMERS (issue 26)
    pd.DataFrame({"c": ["x", "x", "y"], "d": ["2024-01-01"] * 3, "q": [2, -1, 3], "p": [3.5, 3.5, 1.5]}).to_csv(
        path, index=False)
    data = sources.load(_cfg(input_path=str(path), customer_col="c", time_col="d", amount_col="", quantity_col="q",
                             price_col="p"))
    assert data.tx["amount"].tolist() == [7.0, 4.5] and data.dropped["negative_amount"] == 1


def test_clv_by_hand_without_discounting():
    # with no discount and margin 1 the 12-month CLV is E[Y(12 months)] x E[spend]
    s = pd.DataFrame({"x": [0.0, 3.0], "t_x": [0.0, 20.0], "T": [30.0, 30.0], "m": [np.nan, 50.0],
                      "monetary": [40.0, 45.0]}, index=["a", "b"])
    bg = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
    gg = {"p": 6.0, "q": 4.0, "v": 15.0}
    models = holdout.Models(bgnbd=btyd.Fit("bgnbd", bg, {}, 0.0, 2, True), pareto=None,
                            gamma_gamma=btyd.Fit("gamma_gamma", gg, {}, 0.0, 1, True))
    out = holdout.lifetime_value(models, s, "W", horizon_months=12, annual_discount=0.0, margin=1.0)
    weeks = 12 * holdout.DAYS_PER_MONTH / 7
    expected_y = btyd.bgnbd_conditional(bg, weeks, s["x"], s["t_x"], s["T"])
    # spend: a has no repeats -> population mean p v / (q - 1) = 30; b: p (v + x m) / (p x + q - 1) = 6*165/21
    spend = np.array([30.0, 6 * 165 / 21])
    assert out["expected_spend"].to_numpy() == pytest.approx(spend)
    assert out["clv"].to_numpy() == pytest.approx(expected_y * spend)
    disc = holdout.lifetime_value(models, s, "W", horizon_months=12, annual_discount=0.1, margin=1.0)
    assert (disc["clv"] < out["clv"]).all() and (disc["clv"] > out["clv"] / 1.1).all()


def test_indicators_by_hand():
    t = pd.DataFrame({"seg": ["A", "A", "B"], "n_purchases": [2, 1, 4], "total_spend": [30.0, 10.0, 60.0],
                      "clv": [5.0, 1.0, 9.0], "purchase_cycle_days": [10.0, np.nan, 30.0],
                      "p_alive": [0.9, 0.5, 0.2], "tenure_days": [61.0, 10.0, 365.25 / 12 * 4],
                      "service_contacts": [0, 1, 0], "preferred_channel": ["shop", "pos", "pos"]})
    ind = indicators.segment_indicators(t, "seg")
    a, b = ind.loc["A"], ind.loc["B"]
    assert (a["customers"], a["revenue_share"], a["clv_total"], a["repeat_rate"]) == (2, 0.4, 6.0, 0.5)
    assert a["churn_rate"] == pytest.approx(0.3)          # mean of 0.1 and 0.5
    assert a["purchase_cycle_days"] == 10.0
    # interactions per month: (2 + 0) / max(61/30.44, 1) and (1 + 1) / 1, mean
    assert a["interactions_per_month"] == pytest.approx((2 / (61 / (365.25 / 12)) + 2) / 2)
    assert b["interactions_per_month"] == pytest.approx(1.0) and b["channel"] == "pos"
    assert indicators.key("Cannot lose them") == "cannot_lose_them"


def test_config_refuses_a_calibration_end_outside_the_data():
    tx = _tx([("a", "2024-01-01", 1), ("a", "2024-06-01", 1)])
    with pytest.raises(ValueError, match="calibration_end 2025-01-01 must fall"):
        _cfg(calibration_end="2025-01-01").dates(tx)
    assert _cfg(holdout_days=31).dates(tx) == (pd.Timestamp("2024-05-01"), pd.Timestamp("2024-06-01"))
    # the parameters cell's defaults reach the rules
    assert _cfg().rules.active_days == 90 and _cfg(active_days=30).rules.active_days == 30


def test_config_has_no_defaults_and_refuses_contradicting_thresholds():
    params = notebook_parameters("02_customer_segmentation")
    del params["need_min_orders"]
    with pytest.raises(ParameterError, match="need_min_orders"):
        segments.Config.from_parameters(params)
    with pytest.raises(ParameterError, match="sum to at most 1"):
        _cfg(value_high_share=0.8, value_medium_share=0.3)
    with pytest.raises(ParameterError, match="active_days <= churned_days"):
        _cfg(active_days=200)


def _cfg(**overrides) -> segments.Config:
    return segments.Config.from_parameters(notebook_parameters("02_customer_segmentation", None, overrides))
