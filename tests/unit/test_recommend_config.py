"""Notebook 03's parameters: the Config reads the notebook's own parameters (no defaults of its own), the range
rules of conf/runs.yaml stop a bad value naming the notebook and key, and the search grid always holds the given
values."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.common.errors import ParameterError
from experiments.lab.config import notebook_parameters
from experiments.recommend import Config, tuning
from experiments.recommend.analysis import grids

NB = "03_recommendations"


@pytest.mark.parametrize(("key", "value", "message"), [
    ("split", "leave_one_out", "'split' = 'leave_one_out' must be one of time, random"),
    ("test_fraction", 1.0, "'test_fraction' = 1.0 must be"),
    ("validation_fraction", 0.0, "'validation_fraction' = 0.0 must be > 0"),
    ("k", 0, "'k' = 0 must be >= 1"),
    ("n_recommendations", 0, "'n_recommendations' = 0 must be >= 1"),
    ("scaling", "tfidf", "'scaling' = 'tfidf' must be one of none, log, bm25"),
    ("search_grid", "huge", "'search_grid' = 'huge' must be one of"),
    ("itemknn_similarity", "jaccard", "'itemknn_similarity' = 'jaccard' must be one of"),
    ("als_factors", 0, "'als_factors' = 0 must be >= 1"),
    ("als_alpha", 0.0, "'als_alpha' = 0.0 must be > 0"),
    ("bpr_learning_rate", 0.0, "'bpr_learning_rate' = 0.0 must be > 0"),
    ("bpr_regularization", -0.1, "'bpr_regularization' = -0.1 must be >= 0"),
    ("bpr_iterations", 0, "'bpr_iterations' = 0 must be >= 1"),
    ("itemknn_neighbours", 0, "'itemknn_neighbours' = 0 must be >= 1"),
])
def test_bad_parameters_name_notebook_and_key(key, value, message):
    # the rules live in conf/runs.yaml `checks:` (the runner applies them before the notebook starts)
    with pytest.raises(ParameterError, match=f"{NB}: parameter {message}"):
        notebook_parameters(NB, None, {key: value})


def test_config_reads_every_model_parameter_and_has_no_defaults():
    cfg = Config.from_parameters(notebook_parameters(NB, "movielens", {"bpr_iterations": 11}))
    assert cfg.model_params["bpr"]["iterations"] == 11 and cfg.min_rating == 4.0 and cfg.split == "random"
    assert set(cfg.model_params) == {"als", "bpr", "itemknn", "popular", "random"}
    params = notebook_parameters(NB)
    del params["itemknn_neighbours"]
    with pytest.raises(ParameterError, match="itemknn_neighbours"):
        Config.from_parameters(params)


def test_given_values_join_the_grid_and_min_rating_empty_means_none():
    cfg = Config.from_parameters(notebook_parameters(NB, None, {"als_factors": 7, "bpr_iterations": 11,
                                                                "min_rating": None, "search_grid": "small"}))
    grid = grids(cfg)
    assert 7 in grid["als"]["factors"] and set(tuning.SMALL_GRID["als"]["factors"]) <= set(grid["als"]["factors"])
    assert 11 in grid["bpr"]["iterations"]
    assert cfg.min_rating is None
    none = Config.from_parameters(notebook_parameters(NB, None, {"search_grid": "none"}))
    assert tuning.combinations(grids(none)["als"]) == [dict(none.model_params["als"])]


def test_best_picks_highest_validation_ndcg_per_model():
    res = pd.DataFrame({"model": ["als", "als", "bpr"], "ndcg_at_k": [0.1, 0.3, 0.2],
                        "settings": [{"factors": 8}, {"factors": 16}, {"iterations": 5}]})
    assert tuning.best(res) == {"als": {"factors": 16}, "bpr": {"iterations": 5}}
    assert tuning.combinations({"a": [1, 2], "b": [3]}) == [{"a": 1, "b": 3}, {"a": 2, "b": 3}]
