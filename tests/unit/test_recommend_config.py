"""Notebook 03's parameters: range checks name the notebook and key; the search grid always holds the given values."""

from __future__ import annotations

import pytest

from experiments.lab.config import ParameterError
from experiments.recommend import tuning
from experiments.recommend.analysis import RecConfig, _grids


@pytest.mark.parametrize(("key", "value", "message"), [
    ("split", "leave_one_out", "split must be 'time' or 'random'"),
    ("test_fraction", 1.0, "test_fraction must be strictly between 0 and 1"),
    ("k", 0, "k must be a whole number >= 1"),
    ("scaling", "tfidf", "scaling must be 'none', 'log' or 'bm25'"),
    ("search_grid", "huge", "search_grid must be"),
    ("itemknn_similarity", "jaccard", "itemknn_similarity must be"),
])
def test_bad_parameters_name_notebook_and_key(key, value, message):
    with pytest.raises(ParameterError, match=f"03_recommendations: parameter {message}"):
        RecConfig.from_parameters({key: value})


def test_given_values_join_the_grid_and_min_rating_empty_means_none():
    cfg = RecConfig.from_parameters({"als_factors": 7, "bpr_iterations": 11, "min_rating": ""})
    grid = _grids(cfg)
    assert 7 in grid["als"]["factors"] and set(tuning.SMALL_GRID["als"]["factors"]) <= set(grid["als"]["factors"])
    assert 11 in grid["bpr"]["iterations"]
    assert cfg.min_rating is None
    none = _grids(RecConfig.from_parameters({"search_grid": "none"}))
    assert tuning.combinations(none["als"]) == [cfg.model_params["als"] | {"factors": 32}]


def test_best_picks_highest_validation_ndcg_per_model():
    import pandas as pd

    res = pd.DataFrame({"model": ["als", "als", "bpr"], "ndcg_at_k": [0.1, 0.3, 0.2],
                        "settings": [{"factors": 8}, {"factors": 16}, {"iterations": 5}]})
    assert tuning.best(res) == {"als": {"factors": 16}, "bpr": {"iterations": 5}}
    assert tuning.combinations({"a": [1, 2], "b": [3]}) == [{"a": 1, "b": 3}, {"a": 2, "b": 3}]
