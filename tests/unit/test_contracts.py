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
