"""Models: one batched interface; never recommends bought items; the same lists as implicit's filtered call."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from experiments.lab.config import notebook_parameters
from experiments.recommend import Config
from experiments.recommend.models import drop_seen, make_model, top_n

#: each model's parameters from the notebook's own parameters cell (models have no defaults of their own)
NOTEBOOK = Config.from_parameters(notebook_parameters("03_recommendations")).model_params


def _params(name: str, **changes) -> dict:
    return {**NOTEBOOK[name], **changes}


def _matrix(seed: int = 0, users: int = 60, items: int = 25) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    m = (rng.random((users, items)) < 0.2).astype(np.float32) * rng.integers(1, 4, (users, items))
    return sp.csr_matrix(m, dtype=np.float32)


def test_top_n_hand_worked_with_exclusion_and_padding():
    scores = np.array([[0.1, 0.9, 0.5, 0.5], [1.0, 2.0, 3.0, 4.0]])
    exclude = sp.csr_matrix(np.array([[0, 1, 0, 0], [1, 1, 1, 0]]))
    ids, sc = top_n(scores, 3, exclude)
    # row 0: 0.9 excluded; 0.5 ties broken by the lower column -> 2, 3, 0
    np.testing.assert_array_equal(ids, [[2, 3, 0], [3, -1, -1]])
    assert np.isneginf(sc[1, 1])


def test_drop_seen_keeps_rank_order():
    ids = np.array([[4, 1, 3, 0, 2]])
    seen = sp.csr_matrix(np.array([[0, 1, 0, 1, 0]]))
    out, _ = drop_seen(ids, np.array([[5.0, 4, 3, 2, 1]]), seen, 2)
    np.testing.assert_array_equal(out, [[4, 0]])


@pytest.mark.parametrize("name", ["als", "bpr"])
def test_matrix_factorisation_lists_equal_implicits_filtered_recommend(name):
    ui = _matrix()
    model = make_model(name, _params(name, factors=8, iterations=5), seed=1).fit(ui)
    rows = np.flatnonzero(np.diff(ui.indptr) > 0)  # users with history (an empty one has all-zero, tied scores)
    ids, scores = model.recommend(rows, ui, 5)
    ref, ref_scores = model.model.recommend(rows, ui[rows], N=5, filter_already_liked_items=True)
    np.testing.assert_array_equal(ids, ref)
    np.testing.assert_allclose(scores, ref_scores, rtol=1e-5)


@pytest.mark.parametrize("name", ["als", "bpr", "itemknn", "popular", "random"])
def test_no_model_recommends_a_bought_item(name):
    ui = _matrix(2)
    changes = {"factors": 8, "iterations": 3} if name in ("als", "bpr") else {}
    model = make_model(name, _params(name, **changes), seed=1).fit(ui)
    ids, _ = model.recommend(np.arange(ui.shape[0]), ui, 10)
    assert ids.shape == (ui.shape[0], 10)
    bought = ui.toarray() > 0
    rows = np.repeat(np.arange(ui.shape[0]), 10).reshape(ids.shape)
    assert not bought[rows[ids >= 0], ids[ids >= 0]].any()


def test_itemknn_batched_scores_equal_implicits_own_recommend():
    ui = _matrix(3)
    for sim in ("cosine", "bm25"):
        model = make_model("itemknn", {"similarity": sim, "K": 10}, seed=1).fit(ui)
        ids, scores = model.recommend(np.arange(5), ui, 4)
        for u in range(5):
            ref_ids, ref_scores = model.model.recommend(u, ui[u], N=4, filter_already_liked_items=True)
            np.testing.assert_allclose(scores[u][: len(ref_scores)], ref_scores, rtol=1e-5)


def test_popular_hand_worked():
    # buyers per item: a 3, b 1, c 2 -> order a, c, b; user 0 bought a -> c, b
    ui = sp.csr_matrix(np.array([[1, 0, 0], [1, 1, 1], [5, 0, 2]], dtype=np.float32))
    ids, _ = make_model("popular", {}, seed=1).fit(ui).recommend(np.array([0]), ui, 3)
    np.testing.assert_array_equal(ids, [[2, 1, -1]])


def test_random_is_seeded_and_unknown_model_fails():
    ui = _matrix(4)
    a = make_model("random", {}, seed=5).fit(ui).recommend(np.arange(10), ui, 5)[0]
    b = make_model("random", {}, seed=5).fit(ui).recommend(np.arange(10), ui, 5)[0]
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="unknown model"):
        make_model("svd", {}, seed=1)
    with pytest.raises(ValueError, match="similarity"):
        make_model("itemknn", {"similarity": "jaccard", "K": 10}, seed=1).fit(ui)


def test_a_model_without_its_parameters_names_the_missing_one():
    with pytest.raises(ValueError, match="model 'als' needs parameter 'regularization'"):
        make_model("als", {"factors": 8, "iterations": 3}, seed=1).fit(_matrix())
