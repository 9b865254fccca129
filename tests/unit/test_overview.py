"""The raw-data overview counts what is in the files (checked against independent counts)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from experiments.overview import inventory


def _csv_rows(path: Path, encoding: str = "utf-8") -> int:
    with path.open(encoding=encoding, newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def test_inventory_counts_match_the_files(tiny_world: Path) -> None:
    raw = tiny_world / "raw"
    inv = inventory.source_inventory(raw).set_index("file")
    assert inv.loc["shop_orders.csv", "rows"] == _csv_rows(raw / "shop_orders.csv")
    assert inv.loc["wechat_members.csv", "rows"] == _csv_rows(raw / "wechat_members.csv", "gbk")
    assert inv.loc["feedback.jsonl", "rows"] == sum(1 for _ in (raw / "feedback.jsonl").open(encoding="utf-8"))
    assert "_truth" not in inv.index
    counts = inventory.headline_counts(inv.reset_index())
    manifest = json.loads((raw / "_truth" / "manifest.json").read_text())
    assert counts["n_order_lines"] == inv.loc["shop_orders.csv", "rows"] + inv.loc["pos_transactions.csv", "rows"]
    assert counts["n_customer_records"] == len(pd.read_csv(raw / "_truth" / "person_records.csv"))
    assert counts["n_sources"] == len([f for f in manifest["files"] if "/" not in f and not f.startswith("_")])


def test_monthly_order_lines_cover_every_parseable_line(tiny_world: Path) -> None:
    raw = tiny_world / "raw"
    monthly = inventory.monthly_order_lines(raw)
    shop = pd.to_datetime(pd.read_csv(raw / "shop_orders.csv")["order_time"], format="%Y-%m-%d %H:%M:%S",
                          errors="coerce")
    assert monthly["online shop"].sum() == shop.notna().sum()
    assert monthly.index.min() == "2024-01"
    months = pd.PeriodIndex(monthly.index, freq="M")
    assert (months[1:] - months[:-1]).map(lambda d: d.n).tolist() == [1] * (len(months) - 1)  # no month skipped


def test_count_by_and_records_by_source(tiny_world: Path) -> None:
    raw = tiny_world / "raw"
    by = inventory.count_by(raw, "ad_events.csv", ["experiment_id", "variant"])
    assert set(by["experiment_id"]) == {"exp_cvr_lift", "exp_aa", "exp_srm"}
    assert by["rows"].sum() == _csv_rows(raw / "ad_events.csv")
    records = inventory.customer_records_by_source(inventory.source_inventory(raw))
    assert set(records.index) == set(inventory.customer_sources().values())
    assert set(records.index) == {"CRM export", "Online shop accounts", "WeChat members", "Store POS members"}


def test_empty_raw_folder_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="data generate"):
        inventory.source_inventory(tmp_path)
