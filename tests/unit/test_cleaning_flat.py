"""A flat order-lines table (Online Retail shape): counts worked by hand, and every failure message."""

import re

import pandas as pd
import pytest

from experiments import cleaning
from experiments.cleaning.order_lines import clean_order_lines
from experiments.cleaning.sources import Data
from experiments.data.contracts import validate
from experiments.data.inputs import InputTable
from experiments.data.tables import DataInputError, read_table
from experiments.lab.config import notebook_parameters

MAPPING = dict(order="InvoiceNo", item="StockCode", item_name="Description", quantity="Quantity",
               price="UnitPrice", date="InvoiceDate", customer="CustomerID", country="Country")


def _lines():
    # 7 raw rows: row 2 repeats row 1 exactly; C536379 is a cancellation; 536381 has no customer (guest) and a
    # zero price; 536382 has a negative price (accounting adjustment) -> quarantined; a negative quantity without
    # the C prefix is a return.
    return pd.DataFrame({
        "InvoiceNo": ["536365", "536365", "536366", "C536379", "536381", "536382", "536383"],
        "StockCode": ["85123A", "85123A", "71053", "D", "22633", "B", "71053"],
        "Description": ["HEART", "HEART", "LANTERN", "Discount", "HAND WARMER", "Adjust bad debt", "LANTERN"],
        "Quantity": [6, 6, 6, -1, 6, 1, -2],
        "InvoiceDate": ["12/1/10 8:26", "12/1/10 8:26", "12/1/10 8:28", "12/1/10 9:41", "12/13/10 9:00",
                        "12/13/10 9:10", "12/13/10 9:20"],
        "UnitPrice": [2.55, 2.55, 3.39, 27.5, 0.0, -11062.06, 3.39],
        "CustomerID": [17850.0, 17850.0, 17850.0, 14527.0, None, None, 13047.0],
        "Country": ["United Kingdom"] * 7,
    })


def _result(df: pd.DataFrame, **params) -> cleaning.Result:
    """``cleaning.run`` on ``df`` as a flat table (notebook 01's own parameters plus ``params``)."""
    cfg = cleaning.Config.from_parameters(notebook_parameters("01_data_cleaning", None,
                                                              {"input_path": "lines.csv", **params}))
    table = InputTable(frame=df, columns=dict(MAPPING), source="lines.csv", path=None, fingerprint="")
    return cleaning.run(cfg, Data(table=table, inventory=table))


def test_counts_worked_by_hand():
    r = _result(_lines())
    m = r.metrics()
    assert m["rows_in"] == 7
    assert m["n_duplicate_rows"] == 1          # row 2
    assert m["n_cancellations"] == 1           # C536379
    assert m["n_returns"] == 1                 # 536383, -2 without C
    assert m["n_missing_customer_id"] == 2     # 536381, 536382
    assert m["rows_quarantined"] == 2          # the duplicate copy + the negative price
    assert m["rows_out"] == 5 and m["rows_in"] == m["rows_out"] + m["rows_quarantined"]
    assert m["n_guest_orders"] == 1            # 536381 kept without a customer
    assert m["n_customers"] == 3               # 17850, 14527, 13047
    orders = validate(r.tables["orders"], "orders")
    assert orders.loc[orders.order_id == "536381", "customer_id"].isna().all()
    assert orders.loc[orders.order_id == "C536379", "status"].item() == "cancelled"
    assert orders.loc[orders.order_id == "536365", "customer_id"].item() == "17850"
    # revenue of completed lines, guest line included: 6*2.55 + 6*3.39 + 6*0 = 35.64
    assert m["revenue_completed"] == pytest.approx(35.64)
    assert orders["ordered_at"].iloc[-1] == pd.Timestamp("2010-12-13 09:20", tz="UTC")  # month-first inferred
    reasons = r.quarantine.reasons().set_index("reason")["n_rows"].to_dict()
    assert reasons == {"exact_duplicate": 1, "negative_price": 1}
    validate(r.tables["items"], "items")
    validate(r.tables["customers"], "customers")


def test_ambiguous_dates_stop_unless_order_given():
    df = _lines().assign(InvoiceDate="01/02/11 10:00")
    with pytest.raises(DataInputError, match="ambiguous"):
        clean_order_lines(df, MAPPING)
    r = clean_order_lines(df, MAPPING, date_order="dmy")
    assert r.tables["orders"]["ordered_at"].iloc[0] == pd.Timestamp("2011-02-01 10:00", tz="UTC")


def test_missing_column_message_names_source_and_columns():
    with pytest.raises(DataInputError, match="retail.csv: missing required column\\(s\\) 'Qty'; found 'InvoiceNo'"):
        clean_order_lines(_lines(), {**MAPPING, "quantity": "Qty"}, source_name="retail.csv")


def test_wrong_column_for_dates_names_rows():
    expected = "retail.csv: column 'Description' has 7 of 7 values that are not dates (rows 1, 2, 3, 4, 5, ...: "
    with pytest.raises(DataInputError, match=re.escape(expected)):
        clean_order_lines(_lines(), {**MAPPING, "date": "Description"}, source_name="retail.csv")


def test_non_numeric_quantity_names_rows():
    expected = "retail.csv: column mapped to 'quantity' has 7 non-numeric values (rows 1, 2, 3, 4, 5, ...: "
    with pytest.raises(DataInputError, match=re.escape(expected)):
        clean_order_lines(_lines(), {**MAPPING, "quantity": "Country"}, source_name="retail.csv")


def test_header_only_table():
    with pytest.raises(DataInputError, match="retail.csv: the table has a header but no rows"):
        clean_order_lines(_lines().iloc[0:0], MAPPING, source_name="retail.csv")


def test_file_failures_name_the_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataInputError, match="empty.csv: the file is empty"):
        read_table(empty)
    gbk = tmp_path / "members.csv"
    gbk.write_bytes("会员编号,姓名\nW1,张三\n".encode("gbk"))
    with pytest.raises(DataInputError, match="members.csv: cannot decode as utf-8"):
        read_table(gbk, encoding="utf-8")
    # five characters read validly as GBK and as Korean cp949: detection refuses to guess; the given encoding reads it
    with pytest.raises(DataInputError, match="members.csv: the text encoding cannot be told.*gb18030"):
        read_table(gbk)
    assert read_table(gbk, encoding="gbk").columns.tolist() == ["会员编号", "姓名"]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(DataInputError, match="broken.xlsx: cannot be read as excel"):
        read_table(broken)
    with pytest.raises(DataInputError, match="missing.csv: file not found"):
        read_table(tmp_path / "missing.csv")


def test_bad_numbers_are_quarantined_with_their_own_reason_never_cast():
    """Issue 8: 1e20 overflowed to -9.2e18, 2.5 and 0.4 were truncated to 2 and 0, inf crashed, text in a minority of
    prices went to 'negative_price' and an unreadable date to 'missing_order_time'. Each now has its own reason and
    no kept quantity is changed."""
    df = pd.DataFrame({
        "InvoiceNo": [f"5400{i}" for i in range(10)],
        "StockCode": ["A"] * 10,
        "Description": ["MUG"] * 10,
        "Quantity": ["1e20", "2.5", "0.4", "inf", "3", "4", "5", "2", "1", "6"],
        "InvoiceDate": ["12/13/10 9:00"] * 8 + ["not a date", ""],
        "UnitPrice": ["1", "1", "1", "1", "abc", "", "-2", "1.5", "1", "1"],
        "CustomerID": ["17850"] * 10,
        "Country": ["UK"] * 10,
    })
    r = _result(df, date_order="mdy")
    q = r.quarantine.rows("order_lines").set_index("InvoiceNo")["reason"].to_dict()
    assert q == {"54000": "quantity_out_of_range", "54001": "non_integer_quantity", "54002": "non_integer_quantity",
                 "54003": "non_finite_quantity", "54004": "non_numeric_price", "54005": "missing_price",
                 "54006": "negative_price", "54008": "unparseable_order_time", "54009": "missing_order_time"}
    kept = r.tables["orders"]
    assert kept["order_id"].tolist() == ["54007"] and kept["quantity"].tolist() == [2]
    assert kept["amount"].tolist() == [3.0]
    m = r.metrics()
    assert m["rows_in"] == m["rows_out"] + m["rows_quarantined"] == 10
