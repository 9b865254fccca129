"""Ranking metrics against hand-computed values (and sklearn's NDCG as a peer reference)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from experiments.recommend import ranking_metrics as rm

# truth: user 0 relevant {1, 3}; user 1 relevant {0}; user 2 nothing held out (not averaged)
TRUTH = sp.csr_matrix(np.array([[0, 1, 0, 1, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 0]]))
# k = 3; user 1's list is short (-1 pads)
RECS = np.array([[1, 2, 3], [2, 4, -1], [0, 1, 2]])


def test_precision_recall_map_ndcg_hand_computed():
    # hits: user 0 [1, 0, 1]; user 1 [0, 0, 0]
    # precision@3 = mean(2/3, 0) = 1/3 (divides by k even when fewer items are relevant)
    assert rm.precision_at_k(RECS, TRUTH) == pytest.approx(1 / 3)
    # recall@3 = mean(2/2, 0/1) = 0.5
    assert rm.recall_at_k(RECS, TRUTH) == pytest.approx(0.5)
    # AP@3 user 0 = (1/1 + 2/3) / min(3, 2) = 0.8333; user 1 = 0 -> 0.41667
    assert rm.map_at_k(RECS, TRUTH) == pytest.approx((1 + 2 / 3) / 2 / 2)
    # DCG user 0 = 1/log2(2) + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3) = 1.63093; NDCG = 0.91972; user 1 = 0
    assert rm.ndcg_at_k(RECS, TRUTH) == pytest.approx(1.5 / (1 + 1 / np.log2(3)) / 2)


def test_precision_is_not_implicits_min_k_version():
    # one relevant item, found at rank 1 of 10: precision@10 = 0.1 (implicit's precision_at_k would say 1.0)
    truth = sp.csr_matrix(np.eye(1, 20))
    recs = np.arange(10)[None, :]
    assert rm.precision_at_k(recs, truth) == pytest.approx(0.1)
    assert rm.recall_at_k(recs, truth) == pytest.approx(1.0)
    assert rm.ndcg_at_k(recs, truth) == pytest.approx(1.0)


def test_ndcg_matches_sklearn_on_random_lists():
    from sklearn.metrics import ndcg_score

    rng = np.random.default_rng(0)
    n_users, n_items, k = 50, 40, 10
    truth = (rng.random((n_users, n_items)) < 0.1).astype(float)
    truth[truth.sum(axis=1) == 0, 0] = 1
    recs = np.argsort(rng.random((n_users, n_items)), axis=1)[:, :k]
    score = np.zeros((n_users, n_items))
    np.put_along_axis(score, recs, np.arange(k, 0, -1, dtype=float), axis=1)
    assert rm.ndcg_at_k(recs, sp.csr_matrix(truth)) == pytest.approx(ndcg_score(truth, score, k=k), rel=1e-9)


def test_coverage_novelty_hand_computed():
    # coverage over all lists: items {0, 1, 2, 3, 4} = 5/5; over users 0 and 1: {1, 2, 3, 4} = 4/5
    assert rm.coverage(RECS, 5) == 1.0
    assert rm.coverage(RECS[:2], 5) == pytest.approx(0.8)
    # training: 4 users; buyers per item: 0 -> 1, 1 -> 2, 2 -> 4, 3 -> 0 (counted as 1), 4 -> 1
    train = sp.csr_matrix(np.array([[1, 1, 1, 0, 0], [0, 1, 1, 0, 0], [0, 0, 1, 0, 1], [0, 0, 1, 0, 0]]))
    # lists of users 0 and 1: items 1, 2, 3, 2, 4 -> -log2(2/4)=1, 0, -log2(1/4)=2, 0, 2 -> mean 1.0
    assert rm.novelty(RECS[:2], train) == pytest.approx(1.0)


def test_intra_list_diversity_hand_computed():
    # item vectors a = (1, 0), b = (0, 1), c = (1, 1): cos(a, b) = 0, cos(a, c) = cos(b, c) = 1/sqrt(2)
    vectors = np.array([[1, 0], [0, 1], [1, 1]])
    # [a, b] -> distance 1; [a, c] -> 1 - 0.7071 = 0.2929; mean 0.64645
    assert rm.intra_list_diversity(np.array([[0, 1, -1], [0, 2, -1]]), vectors) == pytest.approx(
        (1 + 1 - 1 / np.sqrt(2)) / 2)
    # [a, b, c]: mean pairwise similarity (0 + 0.7071 + 0.7071) / 3 -> distance 0.5286
    assert rm.intra_list_diversity(np.array([[0, 1, 2]]), vectors) == pytest.approx(1 - 2 / np.sqrt(2) / 3)
    # the sparse batched path (large catalogues) gives the same answer as the dense lookup
    rng = np.random.default_rng(1)
    big = (rng.random((30, 12)) < 0.3).astype(float)
    big[0] = 0  # an item nobody bought: similarity 0 to everything
    lists = np.argsort(rng.random((40, 30)), axis=1)[:, :6]
    lists[::5, 4:] = -1
    dense = rm.intra_list_diversity(lists, big)
    assert rm.intra_list_diversity(lists, big, batch=7, dense_limit=0) == pytest.approx(dense)


def test_evaluate_uses_only_users_with_held_out_items_and_checks_shapes():
    train = sp.csr_matrix(np.ones((3, 5)))
    out = rm.evaluate(RECS, TRUTH, train)
    assert set(out) == set(rm.METRIC_NAMES)
    assert out["coverage"] == pytest.approx(0.8)  # user 2 (nothing held out) is left out
    with pytest.raises(ValueError, match="rows"):
        rm.precision_at_k(RECS[:2], TRUTH)
    assert np.isnan(rm.ndcg_at_k(RECS, sp.csr_matrix((3, 5))))
