"""Hostile and careless input for 03 (issue 26): each stops BEFORE the analysis with a message naming the file, the
column or the parameter and what to do. Every file is written here.

Before these fixes a header-only file, identical rows, one item, one row or one customer all ended in pandas'
``ValueError: Encountered all NA values``; an infinite weight in implicit's ``ModelFitError: NaN encountered in
factors``; ``k=100000`` in a 2.4 TiB allocation (users x k x k pairs of the diversity metric).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nbbuild_helper as nbh
from experiments import recommend
from experiments.common.errors import DataInputError, ParameterError
from experiments.lab.config import notebook_parameters
from experiments.recommend import present, ranking_metrics

NB = "03_recommendations"


def _history(n: int = 200) -> pd.DataFrame:
    """40 customers, 25 items, 100 days: enough for both splits."""
    rng = np.random.default_rng(1)
    return pd.DataFrame({"user_id": [f"u{x}" for x in rng.integers(0, 40, n)],
                         "item_id": [f"i{x}" for x in rng.integers(0, 25, n)], "qty": 1.0,
                         "day": (pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 100, n), unit="D"))
                         .strftime("%Y-%m-%d")})


def _run(tmp_path: Path, frame: pd.DataFrame, **overrides) -> recommend.Result:
    path = tmp_path / "interactions.csv"
    frame.to_csv(path, index=False)
    params = notebook_parameters(NB, None, {"input_path": str(path), "customer_col": "user_id", "time_col": "day",
                                            "weight_col": "qty", "search_grid": "none", **overrides})
    return recommend.run(recommend.Config.from_parameters(params))


@pytest.mark.parametrize(("case", "make", "message"), [
    ("header only", lambda h: h.iloc[:0], r"interactions.csv: no usable interactions in 0 rows read .*'user_id'"),
    ("identical rows", lambda h: pd.concat([h.iloc[:1]] * 30), r"column 'user_id' \(customer_col\) holds one customer"),
    ("one item", lambda h: h.assign(item_id="i0"), r"column 'item_id' \(item_col\) holds one item in all 200"),
    ("one row", lambda h: h.iloc[:1], r"column 'user_id' \(customer_col\) holds one customer in all 1 "),
    ("one customer", lambda h: h.assign(user_id="u0"), r"column 'user_id' \(customer_col\) holds one customer"),
    ("every weight <= 0", lambda h: h.assign(qty=0.0), r"no usable interactions in 200 rows read \(weight empty or"),
])
def test_too_little_to_learn_from_names_file_and_column(tmp_path, case, make, message) -> None:
    with pytest.raises(DataInputError, match=message):
        _run(tmp_path, make(_history()))


def test_infinite_weight_names_the_rows(tmp_path) -> None:
    frame = _history()
    frame.loc[[5, 17], "qty"] = np.inf
    with pytest.raises(DataInputError, match=r"interactions.csv: column 'qty' \(weight_col\) has 2 infinite values "
                                             r"\(rows 6, 18\)"):
        _run(tmp_path, frame)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"split": "time"}, r"test split \(time\) leaves no interactions for training .* use split='random'"),
    ({"split": "random"}, r"holds out nothing that can be scored \(no customer has more than one item"),
])
def test_a_split_with_nothing_to_learn_or_score_names_the_parameter(tmp_path, overrides, message) -> None:
    # every interaction on one day (time split: nothing before the cut-off); one item per customer (random split)
    frame = _history().assign(day="2024-01-01").drop_duplicates("user_id")
    with pytest.raises(DataInputError, match=message):
        _run(tmp_path, frame, **overrides)


@pytest.mark.parametrize(("overrides", "key", "rule"), [
    ({"k": 100000}, "k", "<= 100"),
    ({"n_recommendations": 100000}, "n_recommendations", "<= 100"),
    ({"itemknn_neighbours": 0, "als_iterations": 0}, "als_iterations", ">= 1"),
    ({"bpr_learning_rate": -1.0}, "bpr_learning_rate", "> 0"),
    ({"als_regularization": -5.0}, "als_regularization", ">= 0"),
])
def test_out_of_range_parameters_stop_before_the_notebook(overrides, key, rule) -> None:
    with pytest.raises(ParameterError, match=f"{NB}: parameter '{key}' = .* must be {rule}"):
        notebook_parameters(NB, None, overrides)


def test_k_larger_than_the_catalogue_scores_the_catalogue(tmp_path) -> None:
    # 25 items, k = n_recommendations = 100: lists hold at most the items a customer has not bought
    result = _run(tmp_path, _history(), k=100, n_recommendations=100)
    m = result.metrics()
    assert m["k"] == 100 and m["n_items_train"] <= 25
    assert result.recommendations.groupby("customer_id").size().max() <= 25
    # ... and the first screen says so (it did not before)
    notice = present.headline_md(result).data
    assert f"more items than the {m['n_items_train']} the models can rank" in notice


def test_diversity_of_padded_wide_lists_needs_no_users_x_k_x_k_array() -> None:
    # 3 lists of 2 items padded to 100,000 columns: was a (3, 100000, 100000) float64 array (240 GB)
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    narrow = np.array([[0, 1], [0, 2], [1, 2]])
    wide = np.full((3, 100_000), -1)
    wide[:, :2] = narrow
    assert ranking_metrics.intra_list_diversity(wide, vectors) == ranking_metrics.intra_list_diversity(narrow, vectors)


def test_through_the_runner_a_one_customer_file_stops_with_the_message(tmp_path) -> None:
    path = tmp_path / "one_customer.csv"
    _history().assign(user_id="u0").to_csv(path, index=False)
    out = nbh.run_one(NB, tmp_path, {"input_path": str(path), "customer_col": "user_id", "time_col": "day",
                                 "search_grid": "none"})
    assert out["status"] == "failed"
    assert "column 'user_id' (customer_col) holds one customer" in out["error"]
    assert "Encountered all NA values" not in out["error"] + out["html"]
