"""The cleaning recovers what the generator planted: duplicates of people, duplicate lines, statuses, reconciliation.

Each small world (seeds 7, 11, 42) is cleaned once (module fixture) through ``cleaning.run`` with notebook 01's own
parameters and the world's today, and scored by ``cleaning.evaluation`` (the only reader of the planted truth).
"""

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from experiments.cleaning import evaluation
from experiments.data import contracts
from experiments.synthetic import generate_cached

pytestmark = pytest.mark.slow


def _manifest(raw: Path) -> dict:
    return json.loads((raw / "_truth" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=[7, 11, 42])
def small_world(request, worlds_root):
    raw = generate_cached("small", request.param, worlds_root)
    return raw, evaluation.clean_company(raw, truth_dir=raw / "_truth")


@pytest.fixture(scope="module")
def small_clean(small_world):
    return small_world[1]


@pytest.fixture(scope="module")
def small_raw(small_world):
    return small_world[0]


def test_entity_resolution_f1_at_small(small_clean):
    table = small_clean.truth.table.set_index("method")
    s = table.loc["splink"]
    assert s["n_records_scored"] == len(small_clean.records)
    assert s["f1"] >= 0.95, s
    assert s["precision"] >= 0.95 and s["recall"] >= 0.95, s
    assert small_clean.truth.metrics == {"er_precision": round(s["precision"], 4), "er_recall": round(s["recall"], 4),
                                         "er_f1": round(s["f1"], 4)}


def test_splink_beats_the_deterministic_baseline(small_clean, small_raw):
    truth = pd.read_csv(small_raw / "_truth" / "person_records.csv", dtype=str)
    table = small_clean.truth.table.set_index("method")
    # the pair count both are scored against is the planted one: sum over persons of C(records, 2)
    sizes = truth.groupby("person_id").size()
    planted_pairs = int((sizes * (sizes - 1) // 2).sum())
    assert table.loc["deterministic baseline", "n_true_pairs"] == planted_pairs == table.loc["splink", "n_true_pairs"]
    assert planted_pairs > 1000  # the small world plants thousands of duplicate pairs
    # the baseline (same phone / email / name+city) misses typo'd duplicates: measured F1 0.958 at small seed 42
    assert 0.85 < table.loc["deterministic baseline", "f1"] < table.loc["splink", "f1"]


def test_row_reconciliation_every_source(small_clean, small_raw):
    rec = small_clean.quarantine.reconciliation().set_index("source")
    assert rec["balanced"].all(), rec
    files = _manifest(small_raw)["files"]
    from experiments.cleaning.sources import CLEANED_KINDS, company_sources
    for name, cfg in {n: c for kind in CLEANED_KINDS for n, c in company_sources(kind).items()}.items():
        assert rec.loc[name, "rows_in"] == files[cfg.file]["rows"], name  # every raw row was read
    m = small_clean.metrics()
    assert m["rows_in"] == m["rows_out"] + m["rows_quarantined"]
    assert m["rows_in_shop_orders"] == m["rows_out_shop_orders"] + m["rows_quarantined_shop_orders"]


def test_planted_order_anomalies_found(small_clean, small_raw):
    c = _manifest(small_raw)["counts"]
    m = small_clean.metrics()
    assert m["n_duplicate_rows"] == c["shop_duplicate_lines"] + c["pos_duplicate_lines"]
    assert m["n_cancellations"] == c["shop_cancelled_lines"] + c["pos_void_lines"]
    assert m["n_returns"] == c["shop_returned_lines"] + c["pos_return_lines"]
    assert m["n_missing_customer_id"] == c["shop_guest_lines"] + c["pos_guest_lines"]
    reasons = small_clean.quarantine.reasons().groupby("reason")["n_rows"].sum()
    # every planted future line is quarantined: as future_order_time, or earlier as the copy of a duplicate
    shop_q = small_clean.quarantine.rows("shop_orders")
    pos_q = small_clean.quarantine.rows("pos_transactions")
    future_shop = (pd.to_datetime(shop_q["order_time"]) > "2025-07-01").sum()
    future_pos = (pd.to_datetime(pos_q["txn_time"], format="%d/%m/%Y %H:%M") > "2025-07-01 08:00").sum()
    assert future_shop == c["shop_future_lines"] and future_pos == c["pos_future_lines"]
    assert c["shop_future_lines"] + c["pos_future_lines"] > 0
    # each planted future line is quarantined exactly once: as future_order_time unless it is the later copy of an
    # exact duplicate (then the duplicate rule took it first)
    future_dupes = int(((pd.to_datetime(shop_q["order_time"]) > "2025-07-01") & (shop_q["reason"] == "exact_duplicate"))
                       .sum() + ((pd.to_datetime(pos_q["txn_time"], format="%d/%m/%Y %H:%M") > "2025-07-01 08:00")
                                 & (pos_q["reason"] == "exact_duplicate")).sum())
    assert reasons["future_order_time"] == future_shop + future_pos - future_dupes
    assert reasons["negative_price"] == c["shop_negative_price_lines"] + c["pos_negative_price_lines"]


def test_guest_revenue_kept_and_contracts_hold(small_clean):
    orders = small_clean.tables["orders"]
    done = orders[orders["status"] == "completed"]
    assert done["customer_id"].isna().sum() > 0
    assert small_clean.metrics()["revenue_completed"] == pytest.approx(done["amount"].sum(), abs=0.01)
    for name, df in small_clean.tables.items():
        contracts.validate(df, name)
    cust = small_clean.tables["customers"]
    ids = cust["source_ids"].str.split("|").explode()
    assert ids.is_unique and len(ids) == len(small_clean.records)  # each raw record in exactly one customer
    # lineage: one winning record per customer and filled field, and it belongs to that customer
    lin = small_clean.lineage.merge(small_clean.records[["record_id", "customer_id"]], on="record_id",
                                    suffixes=("", "_rec"))
    assert (lin["customer_id"] == lin["customer_id_rec"]).all()


def test_notebook_smoke_on_tiny(tiny_raw, tmp_path):
    from experiments.lab.config import notebook_parameters
    from experiments.lab.runner import execute_notebook

    env = {"CIL_DATA_DIR": str(tiny_raw.parent), "CIL_REPORTS_DIR": str(tmp_path / "reports")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        m = execute_notebook("01_data_cleaning", notebook_parameters("01_data_cleaning", "tiny"), tmp_path / "run")
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    # the notebook's metrics are the package's: the same world cleaned and scored without the notebook
    direct = evaluation.clean_company(tiny_raw, truth_dir=tiny_raw / "_truth")
    assert m == direct.metrics() | direct.truth.metrics
    assert m["rows_in"] == m["rows_out"] + m["rows_quarantined"] and m["er_f1"] > 0.9
    processed = tiny_raw.parent / "processed"
    for table in contracts.TABLES[:5]:
        contracts.load_processed(table, str(processed))
    assert (processed / "lineage.parquet").is_file() and (processed / "quarantine").is_dir()
