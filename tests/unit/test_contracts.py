"""Contract schemas: valid tables pass (coerced), bad ones fail naming table, column and rows."""

import pandas as pd
import pytest

from experiments.data.contracts import ContractError, load_processed, validate
from experiments.data.tables import DataInputError


def _orders(**over):
    df = pd.DataFrame({
        "order_id": ["A", "A", "B"], "line_no": [1, 2, 1], "customer_id": ["c1", None, "c2"],
        "item_id": ["i1", "i2", "i1"], "quantity": [1, 2, -1], "unit_price": [2.0, 0.0, 3.0],
        "amount": [2.0, 0.0, -3.0], "ordered_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"], utc=True),
        "channel": ["shop"] * 3, "status": ["completed", "completed", "returned"]})
    return df.assign(**over)


def test_valid_orders_pass_and_guest_lines_allowed():
    out = validate(_orders(), "orders")
    assert out["customer_id"].isna().sum() == 1
    assert str(out["ordered_at"].dtype) == "datetime64[us, UTC]"


def test_bad_values_named_with_rows():
    bad = _orders(status=["completed", "lost", "returned"], unit_price=[2.0, 0.0, -1.0])
    with pytest.raises(ContractError) as err:
        validate(bad, "orders")
    msg = str(err.value)
    assert "table 'orders'" in msg
    assert "column 'status'" in msg and "rows 2" in msg and "'lost'" in msg
    assert "column 'unit_price'" in msg and "rows 3" in msg


def test_missing_column_named():
    with pytest.raises(ContractError, match="table 'customers': missing required column\\(s\\) 'source_ids'"):
        validate(pd.DataFrame({"customer_id": ["c"], "name": ["x"], "email": [None], "phone": [None],
                               "city": [None], "signup_date": [None], "acquisition_channel": [None]}), "customers")


def test_customer_phone_and_email_formats():
    df = pd.DataFrame({"customer_id": ["c1", "c2"], "name": ["a", "b"], "email": ["a@b.cn", "Bad"],
                       "phone": ["+8613800138000", "138"], "city": [None, None],
                       "signup_date": ["2024-01-01", None], "acquisition_channel": ["shop", None],
                       "source_ids": ["U1", "C2|W3"]})
    with pytest.raises(ContractError, match="column 'email'.*rows 2.*column 'phone'.*rows 2"):
        validate(df, "customers")


def test_duplicate_customer_id_rejected():
    df = pd.DataFrame({"customer_id": ["c1", "c1"], "name": None, "email": None, "phone": None, "city": None,
                       "signup_date": None, "acquisition_channel": None, "source_ids": ["a", "b"]})
    with pytest.raises(ContractError, match="customer_id"):
        validate(df, "customers")


def test_load_processed_roundtrip_and_missing(tmp_path):
    with pytest.raises(DataInputError, match="orders.parquet: not found"):
        load_processed("orders", str(tmp_path))
    _orders().to_parquet(tmp_path / "orders.parquet")
    assert len(load_processed("orders", str(tmp_path))) == 3
    with pytest.raises(ValueError, match="unknown table"):
        validate(_orders(), "nope")


# --- the analyses' outputs ---------------------------------------------------------------------------------------
def _outputs() -> dict[str, pd.DataFrame]:
    utc = pd.to_datetime(["2025-07-01 09:00", "2025-07-01 12:00"], utc=True)
    return {
        "segments": pd.DataFrame({"customer_id": ["c1", "c2"], "n_purchases": [3.0, 0.0],
                                  "rfm_segment": ["Champions", None], "value_tier": ["high", "low"],
                                  "behaviour": ["regular", "none"], "lifecycle": ["active", "prospect"],
                                  "p_alive": [0.9, None], "clv": [120.0, 0.0]}),
        "recommendations": pd.DataFrame({"customer_id": ["c1", "c1"], "rank": [1, 2], "item_id": ["i1", "i2"],
                                         "reason": ["bought with i9", None], "source": ["als", "als"]}),
        "churn_scores": pd.DataFrame({"customer_id": ["c1", "c2"], "churn_probability": [0.2, 0.7],
                                      "tier": ["low", "high"], "contact": [False, True], "action": [None, "call"]}),
        "churn_actions": pd.DataFrame({"rank": [1], "customer_id": ["c2"], "churn_probability": [0.7],
                                       "action": ["call"]}),
        "care_queue": pd.DataFrame({"customer_id": ["c1", "c2"], "grade": ["severe", "mild"],
                                    "reason": ["regulator threat", "negative"], "action": ["senior call", "apology"],
                                    "due_at": utc}),
        "feedback_scored": pd.DataFrame({"customer_id": ["c1", None], "language": ["zh", "en"],
                                         "sentiment": ["negative", "positive"], "intensity": [0.8, 0.1],
                                         "topic": [3, -1], "grade": ["severe", None]}),
    }


def test_every_output_contract_accepts_a_valid_table():
    for name, df in _outputs().items():
        assert len(validate(df, name)) == len(df), name


@pytest.mark.parametrize(("table", "fault", "named"), [
    ("segments", {"customer_id": ["c1", "c1"]}, "customer_id"),  # one row per customer
    ("segments", {"rfm_segment": [None, None]}, "every buyer"),  # a buyer without a segment
    ("segments", {"p_alive": [1.4, None]}, "p_alive"),
    ("recommendations", {"rank": [1, 1]}, "rank"),  # (customer, rank) repeated
    ("churn_scores", {"churn_probability": [0.2, 1.3]}, "churn_probability"),
    ("churn_actions", {"customer_id": [None]}, "customer_id"),
    ("care_queue", {"grade": ["severe", "urgent"]}, "grade"),
    ("feedback_scored", {"sentiment": ["negative", "happy"]}, "sentiment"),
    ("feedback_scored", {"language": ["zh", "fr"]}, "language"),
])
def test_a_broken_output_is_refused_naming_table_and_column(table, fault, named):
    with pytest.raises(ContractError) as err:
        validate(_outputs()[table].assign(**fault), table)
    assert f"table '{table}'" in str(err.value) and named in str(err.value)


def test_publish_results_refuses_a_broken_output_and_keeps_the_previous_one(tmp_path, monkeypatch):
    from experiments.data import processed

    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    good = _outputs()["churn_scores"]
    processed.publish_results({"churn_scores": good}, company_world=True)
    with pytest.raises(ContractError, match="churn_probability"):
        processed.publish_results({"churn_scores": good.assign(churn_probability=[0.1, -0.5])}, company_world=True)
    kept = pd.read_parquet(processed.current_dir() / "churn_scores.parquet")
    assert kept["churn_probability"].tolist() == [0.2, 0.7]


def test_load_processed_columns_reads_only_known_columns(tmp_path, monkeypatch):
    from experiments.data import processed
    from experiments.data.contracts import load_processed_columns

    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    good = _outputs()["churn_scores"]
    with pytest.raises(DataInputError, match="churn_scores.parquet: not found"):
        load_processed_columns("churn_scores", ["customer_id"])
    processed.publish_results({"churn_scores": good}, company_world=True)
    got = load_processed_columns("churn_scores", ["customer_id", "churn_probability"])
    assert list(got.columns) == ["customer_id", "churn_probability"] and len(got) == len(good)
    with pytest.raises(ValueError, match="no column"):
        load_processed_columns("churn_scores", ["nope"])
