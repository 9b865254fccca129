"""01_data_cleaning through the runner on a small order-lines CSV written here, every count worked out by hand;
and a mistyped <role>_col stopping with the file, the column and a suggestion."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from experiments.lab import runner

pytestmark = pytest.mark.slow

# 10 raw lines (month-first dates, as in Online Retail):
#  1 536365 A  qty 6  price 2.55  cust 17850  completed
#  2 536365 B  qty 6  price 3.39  cust 17850  completed
#  3 536365 B  qty 6  price 3.39  cust 17850  exact copy of line 2 -> duplicate, quarantined (exact_duplicate)
#  4 536366 C  qty 2  price 1.85  cust (none) completed, guest line (missing customer id), guest order 536366
#  5 C536367 A qty -1 price 2.55  cust 17850  cancellation (id starts with C), kept with status cancelled
#  6 536368 D  qty -2 price 4.25  cust 13047  negative quantity without the prefix -> returned, kept
#  7 536369 E  qty 2.5 price 1.00 cust 13047  non-integer quantity -> quarantined (non_integer_quantity)
#  8 536370 F  qty abc price 1.00 cust 13047  text quantity -> quarantined (non_numeric_quantity)
#  9 536371 G  qty 1  price -5   cust 13047  negative price -> quarantined (negative_price)
# 10 536372 H  qty 1e20 price 1   cust 12583  out of range -> quarantined (quantity_out_of_range)
# rows_in 10; quarantined 5 (lines 3, 7, 8, 9, 10); rows_out 5 (lines 1, 2, 4, 5, 6)
# n_duplicate_rows 1; n_cancellations 1; n_returns 1; n_missing_customer_id 1; n_guest_orders 1
# n_customers: ids in the output = 17850, 13047 -> 2 (12583 only had a quarantined line)
# n_orders: 536365, 536366, C536367, 536368 -> 4
# revenue_completed = 6*2.55 + 6*3.39 + 2*1.85 = 15.30 + 20.34 + 3.70 = 39.34
CSV = """InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,A,MUG,6,12/1/10 8:26,2.55,17850,United Kingdom
536365,B,LANTERN,6,12/1/10 8:26,3.39,17850,United Kingdom
536365,B,LANTERN,6,12/1/10 8:26,3.39,17850,United Kingdom
536366,C,CANDLE,2,12/1/10 8:28,1.85,,United Kingdom
C536367,A,MUG,-1,12/1/10 9:00,2.55,17850,United Kingdom
536368,D,TIN,-2,12/13/10 9:01,4.25,13047,France
536369,E,BOX,2.5,12/2/10 9:02,1.00,13047,France
536370,F,BAG,abc,12/2/10 9:03,1.00,13047,France
536371,G,FEE,1,12/2/10 9:04,-5,13047,France
536372,H,PEN,1e20,12/2/10 9:05,1,12583,France
"""


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **params: object) -> dict:
    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CIL_REPORTS_DIR", str(tmp_path / "reports"))
    overrides = [f"{k}={v}" for k, v in params.items()]
    record = runner.run(["01_data_cleaning"], cli_overrides=overrides, log=lambda _: None)
    return record


@pytest.fixture(scope="module")
def flat_run(tmp_path_factory: pytest.TempPathFactory):
    """01 run once through the runner on the 10 hand-counted lines: (tmp folder, run record, metrics)."""
    tmp_path = tmp_path_factory.mktemp("cleaning-flat")
    csv = tmp_path / "lines.csv"
    csv.write_text(CSV, encoding="utf-8")
    mp = pytest.MonkeyPatch()
    try:
        record = _run(tmp_path, mp, input_path=str(csv), as_of="2011-01-01", date_order="mdy")
    finally:
        mp.undo()
    nb = record["notebooks"][0]
    assert nb["status"] == "passed", nb.get("error")
    m = json.loads((tmp_path / "reports" / record["folder"] / "01_data_cleaning" / "metrics.json").read_text())
    return tmp_path, record, m


def test_hand_counted_order_lines(flat_run) -> None:
    _, _, m = flat_run
    assert (m["rows_in"], m["rows_out"], m["rows_quarantined"]) == (10, 5, 5)
    assert (m["rows_in_order_lines"], m["rows_out_order_lines"], m["rows_quarantined_order_lines"]) == (10, 5, 5)
    assert (m["n_duplicate_rows"], m["n_cancellations"], m["n_returns"]) == (1, 1, 1)
    assert (m["n_missing_customer_id"], m["n_guest_orders"], m["n_customers"], m["n_orders"]) == (1, 1, 2, 4)
    assert m["n_zero_price"] == 0
    assert m["revenue_completed"] == pytest.approx(39.34)
    assert "er_f1" not in m and "n_customer_records" not in m  # a flat table has no people to merge or truth


def test_published_tables_and_quarantine(flat_run) -> None:
    tmp_path, _, _ = flat_run
    flat = tmp_path / "data" / "interim" / "flat" / "processed"
    # the quarantine says why, row by row, and stays out of the published report folder
    q = pd.read_csv(flat / "quarantine" / "order_lines.csv", dtype=str).set_index("InvoiceNo")["reason"].to_dict()
    assert q == {"536365": "exact_duplicate", "536369": "non_integer_quantity", "536370": "non_numeric_quantity",
                 "536371": "negative_price", "536372": "quantity_out_of_range"}
    assert not list((tmp_path / "reports").rglob("quarantine"))
    orders = pd.read_parquet(next(flat.rglob("orders.parquet")))
    assert sorted(orders["status"]) == ["cancelled", "completed", "completed", "completed", "returned"]
    assert orders.loc[orders["order_id"] == "536366", "customer_id"].isna().all()   # the guest line kept
    assert orders.loc[orders["order_id"] == "536368", "ordered_at"].item() == pd.Timestamp("2010-12-13 09:01",
                                                                                           tz="UTC")
    customers = pd.read_parquet(next(flat.rglob("customers.parquet"))).set_index("customer_id")
    assert sorted(customers.index) == ["13047", "17850"]
    assert customers.loc["17850", "signup_date"] == pd.Timestamp("2010-12-01")
    assert customers.loc["13047", "country"] == "France"


def test_report_says_what_a_flat_table_lacks(flat_run) -> None:
    tmp_path, record, _ = flat_run
    html = (tmp_path / "reports" / record["folder"] / "01_data_cleaning" / "01_data_cleaning.html").read_text()
    assert "a flat table carries no personal data to merge on" in html
    assert "No planted truth to score against" in html
    assert "10 raw rows in: 5 cleaned, 5 quarantined (50.00%)" in html


def test_mistyped_role_column_names_file_column_and_suggestion(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    csv = tmp_path / "lines.csv"
    csv.write_text(CSV, encoding="utf-8")
    record = _run(tmp_path, monkeypatch, input_path=str(csv), quantity_col="Quantiy", date_order="mdy")
    err = record["notebooks"][0]["error"]
    assert "lines.csv" in err and "quantity_col" in err and "'Quantiy'" in err and "did you mean 'Quantity'" in err
