"""01_data_cleaning through the runner on a small order-lines CSV written here, every count worked out by hand;
and a mistyped <role>_col stopping with the file, the column and a suggestion."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_hand_counted_order_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    csv = tmp_path / "lines.csv"
    csv.write_text(CSV, encoding="utf-8")
    record = _run(tmp_path, monkeypatch, input_path=str(csv), as_of="2011-01-01", date_order="mdy")
    nb = record["notebooks"][0]
    assert nb["status"] == "passed", nb.get("error")
    m = json.loads((tmp_path / "reports" / record["folder"] / "01_data_cleaning" / "metrics.json").read_text())
    assert (m["rows_in"], m["rows_out"], m["rows_quarantined"]) == (10, 5, 5)
    assert (m["n_duplicate_rows"], m["n_cancellations"], m["n_returns"]) == (1, 1, 1)
    assert (m["n_missing_customer_id"], m["n_guest_orders"], m["n_customers"], m["n_orders"]) == (1, 1, 2, 4)
    assert m["revenue_completed"] == pytest.approx(39.34)
    # the quarantine says why, row by row, and stays out of the published report folder
    q = (tmp_path / "data" / "interim" / "flat" / "processed" / "quarantine" / "order_lines.csv").read_text()
    for reason in ("exact_duplicate", "non_integer_quantity", "non_numeric_quantity", "negative_price",
                   "quantity_out_of_range"):
        assert reason in q
    assert not list((tmp_path / "reports").rglob("quarantine"))


def test_mistyped_role_column_names_file_column_and_suggestion(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    csv = tmp_path / "lines.csv"
    csv.write_text(CSV, encoding="utf-8")
    record = _run(tmp_path, monkeypatch, input_path=str(csv), quantity_col="Quantiy", date_order="mdy")
    err = record["notebooks"][0]["error"]
    assert "lines.csv" in err and "quantity_col" in err and "'Quantiy'" in err and "did you mean 'Quantity'" in err
