"""03 on a flat interactions table written here, every count and the most-popular scores worked out by hand: once
through ``recommend.run`` and once through the runner (papermill, metrics.json, the published list).

14 rows (user, item, day). With test_fraction 0.2 the time cut-off is the 0.8 quantile of the days: position
0.8 x 13 = 10.4 between two rows of 2024-01-11, so training is days 1-10, test days 11-12.

    training: u1 A, B   u2 A, C   u3 A, B   u4 B, C, D   u5 A
    test:     u1 C (warm)   u5 B (warm)   u6 A (cold: no training history)   u2 E (E unseen in training: dropped)

n_users 6 (u1-u6), n_items 5 (A-E), n_items_train 4 (A-D: the catalogue the models rank), n_cold_start 1 (u6),
n_test_users 2 (u1, u5). Most-popular by training buyers: A 4, B 3, C 2, D 1. With k = 2 and bought items left
out: u1 (bought A, B) gets C, D -> hit C at rank 1; u5 (bought A) gets B, C -> hit B at rank 1. So precision@2
(1/2 + 1/2) / 2 = 0.5, recall@2 1, NDCG@2 1, MAP@2 1, coverage {B, C, D} / 4 training items = 0.75 (it would read
0.6 if it divided by n_items: issue 20 item 7). Every one of the 6 customers has history, so 6 lists of 2 are
published (to data/interim/flat/processed, never data/processed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from experiments import recommend
from experiments.lab.config import notebook_parameters

ROWS = [("u1", "A", 1), ("u2", "A", 2), ("u3", "A", 3), ("u4", "B", 4), ("u1", "B", 5), ("u2", "C", 6),
        ("u3", "B", 7), ("u5", "A", 8), ("u4", "C", 9), ("u4", "D", 10), ("u1", "C", 11), ("u5", "B", 11),
        ("u6", "A", 12), ("u2", "E", 12)]
PARAMS = {"customer_col": "user_id", "item_col": "item_id", "time_col": "day", "split": "time", "test_fraction": 0.2,
          "k": 2, "n_recommendations": 2, "search_grid": "none"}
EXPECTED = {"n_users": 6, "n_items": 5, "n_items_train": 4, "n_cold_start": 1, "n_test_users": 2, "k": 2,
            "split": "time", "n_search_fits": 3, "n_customers_with_list": 6, "popular_precision_at_k": 0.5,
            "popular_recall_at_k": 1.0, "popular_ndcg_at_k": 1.0, "popular_map_at_k": 1.0, "popular_coverage": 0.75}


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("flat03") / "interactions.csv"
    pd.DataFrame([(u, i, f"2024-01-{d:02d}") for u, i, d in ROWS], columns=["user_id", "item_id", "day"]).to_csv(
        path, index=False)
    return path


def test_hand_worked_counts_and_most_popular_scores(table: Path) -> None:
    cfg = recommend.Config.from_parameters(notebook_parameters("03_recommendations", None,
                                                               {**PARAMS, "input_path": str(table)}))
    result = recommend.run(cfg)
    m = result.metrics()
    assert {key: m[key] for key in EXPECTED} == EXPECTED
    assert result.prepared.train.n_items == m["n_items_train"]  # the catalogue coverage divides by
    assert m["chosen_model"] in ("als", "bpr", "itemknn")
    assert set(result.tables) >= {"results", "recommendations", "search"}


@pytest.mark.slow
def test_through_the_runner_metrics_and_published_lists(table: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from experiments.lab import runner

    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CIL_REPORTS_DIR", str(tmp_path / "reports"))
    overrides = [f"{k}={v}" for k, v in {**PARAMS, "input_path": str(table)}.items()]
    record = runner.run(["03_recommendations"], cli_overrides=overrides, log=lambda _: None)
    nb = record["notebooks"][0]
    assert nb["status"] == "passed", nb.get("error")
    m = json.loads((tmp_path / "reports" / record["folder"] / "03_recommendations" / "metrics.json").read_text())
    assert {key: m[key] for key in EXPECTED} == EXPECTED
    lists = pd.read_parquet(tmp_path / "data" / "interim" / "flat" / "processed" / "recommendations.parquet")
    assert len(lists) == 12 and lists["customer_id"].nunique() == 6
    assert set(lists["rank"]) == {1, 2} and lists["source"].eq(f"model:{m['chosen_model']}").all()
    bought = {(u, i) for u, i, _ in ROWS}
    assert not bought & set(zip(lists["customer_id"], lists["item_id"], strict=True))  # exclude_bought
    assert not (tmp_path / "data" / "processed" / "recommendations.parquet").exists()
