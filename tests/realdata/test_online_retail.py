"""UCI Online Retail subsets: the cleaning finds the counts stated in the dataset README."""

import pytest

from experiments import cleaning
from experiments.data import contracts, paths
from experiments.lab.config import notebook_parameters

pytestmark = pytest.mark.realdata
FOLDER = paths.datasets_dir() / "online_retail"
#: notebook 01's profile for each file (its role columns, date order and cancel prefix)
PROFILES = {"online_retail_first28492_rows.csv": "online_retail",
            "online_retail_random40k_sample.xlsx": "online_retail_sample"}
# README "Verified here": rows, cancellations (InvoiceNo starting C), missing CustomerID, exact duplicate rows,
# invoices, customers
EXPECTED = {
    "online_retail_first28492_rows.csv": dict(rows_in=28492, n_cancellations=418, n_missing_customer_id=10003,
                                              n_duplicate_rows=412, n_orders=1275, n_customers=713),
    "online_retail_random40k_sample.xlsx": dict(rows_in=40000, n_cancellations=674, n_missing_customer_id=10057,
                                                n_duplicate_rows=28, n_orders=13199, n_customers=3621),
}


@pytest.mark.parametrize("filename", sorted(EXPECTED))
def test_readme_counts(filename):
    path = FOLDER / filename
    if not path.is_file():
        pytest.skip(f"{path} absent (set CIL_DATASETS to the shared datasets folder)")
    cfg = cleaning.Config.from_parameters(notebook_parameters("01_data_cleaning", PROFILES[filename],
                                                              {"input_path": str(path)}))
    result = cleaning.run(cfg)
    m = result.metrics()
    for key, value in EXPECTED[filename].items():
        assert m[key] == value, (key, m[key], value)
    assert m["rows_in"] == m["rows_out"] + m["rows_quarantined"]
    orders = contracts.validate(result.tables["orders"], "orders")
    # cancellations kept + cancellation lines quarantined as duplicates = the README's count
    quarantined = result.quarantine.rows("order_lines")
    dup_cancel = quarantined["InvoiceNo"].astype(str).str.startswith("C").sum()
    assert (orders["status"] == "cancelled").sum() + dup_cancel == m["n_cancellations"]
    assert orders["ordered_at"].min() == __import__("pandas").Timestamp("2010-12-01 08:26", tz="UTC")
    contracts.validate(result.tables["items"], "items")
    contracts.validate(result.tables["customers"], "customers")
