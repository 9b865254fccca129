"""The raw-data overview counts what is in the files (checked against independent counts); one run per module."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from experiments import overview
from experiments.common.result import Result
from experiments.lab.config import notebook_parameters
from experiments.overview import sources


def _csv_rows(path: Path, encoding: str = "utf-8") -> int:
    with path.open(encoding=encoding, newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def _config(raw: Path) -> overview.Config:
    return overview.Config.from_parameters(notebook_parameters("00_data_overview", None, {"raw_dir": str(raw)}))


@pytest.fixture(scope="module")
def described(tiny_world: Path):
    raw = tiny_world / "raw"
    return raw, overview.run(_config(raw))


def test_inventory_counts_match_the_files(described) -> None:
    raw, result = described
    assert isinstance(result, Result) and result.publish() is None
    inv = result.inventory.set_index("file")
    assert inv.loc["shop_orders.csv", "rows"] == _csv_rows(raw / "shop_orders.csv")
    assert inv.loc["wechat_members.csv", "rows"] == _csv_rows(raw / "wechat_members.csv", "gbk")
    assert inv.loc["feedback.jsonl", "rows"] == sum(1 for _ in (raw / "feedback.jsonl").open(encoding="utf-8"))
    assert "_truth" not in inv.index
    counts = result.metrics()
    manifest = json.loads((raw / "_truth" / "manifest.json").read_text())
    assert counts["n_order_lines"] == inv.loc["shop_orders.csv", "rows"] + inv.loc["pos_transactions.csv", "rows"]
    assert counts["n_customer_records"] == len(pd.read_csv(raw / "_truth" / "person_records.csv"))
    assert counts["n_sources"] == len([f for f in manifest["files"] if "/" not in f and not f.startswith("_")])
    assert counts["n_feedback"] == inv.loc["feedback.jsonl", "rows"]
    assert counts["n_ad_units"] == _csv_rows(raw / "ad_events.csv")
    assert result.input.rows == counts["n_sources"] and result.input.path == raw


def test_monthly_order_lines_cover_every_parseable_line(described) -> None:
    raw, result = described
    monthly = result.monthly
    shop = pd.to_datetime(pd.read_csv(raw / "shop_orders.csv")["order_time"], format="%Y-%m-%d %H:%M:%S",
                          errors="coerce")
    assert monthly["online shop"].sum() == shop.notna().sum()
    assert monthly.index.min() == "2024-01"
    months = pd.PeriodIndex(monthly.index, freq="M")
    assert (months[1:] - months[:-1]).map(lambda d: d.n).tolist() == [1] * (len(months) - 1)  # no month skipped


def test_count_by_and_records_by_source(described) -> None:
    raw, result = described
    by = result.ad_units
    assert set(by["experiment_id"]) == {"exp_cvr_lift", "exp_aa", "exp_srm"}
    assert by["rows"].sum() == _csv_rows(raw / "ad_events.csv")
    assert set(result.records.index) == set(sources.customer_sources().values())
    assert set(result.records.index) == {"CRM export", "Online shop accounts", "WeChat members", "Store POS members"}
    fb = pd.read_json(raw / "feedback.jsonl", lines=True)["channel"].value_counts()
    assert result.feedback.to_dict() == fb.to_dict() and result.feedback.is_monotonic_decreasing


def test_empty_raw_folder_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="data generate"):
        overview.load(_config(tmp_path))
