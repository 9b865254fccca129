"""MovieLens 100k: our pipeline under the issue's protocol and under microsoft/recommenders' protocol.

Both protocols split each user's distinct rated items 75/25 at random (seed 42), choose every model's parameters on
a validation split carved from the 75% (never on the test), and score top-10 lists with our own metrics.

- ``positives`` (ratings >= 4): the issue measured most-popular NDCG@10 0.175, ALS 0.24-0.32, item-item BM25 0.30
  with implicit; ALS and BPR must beat our most-popular list.
- ``recommenders`` (all ratings): microsoft/recommenders' published table gives most-popular about precision@10 0.23
  / NDCG@10 0.25 and their best models 0.33-0.41 / 0.38-0.48; our most-popular must land within 0.02 / 0.03 of that.
"""

from __future__ import annotations

import pytest

from experiments.data import paths
from experiments.recommend import movielens

FOLDER = paths.datasets_dir() / "movielens_100k"
pytestmark = pytest.mark.skipif(not movielens.data_file(FOLDER).is_file(),
                                reason=f"{movielens.data_file(FOLDER)} absent (set CIL_DATASETS)")


@pytest.fixture(scope="module")
def ratings():
    return movielens.load_ratings(FOLDER)


def test_ratings_match_the_dataset_readme(ratings):
    assert len(ratings) == 100_000
    assert ratings["user"].nunique() == 943 and ratings["item"].nunique() == 1682
    assert (ratings["rating"] >= 4).sum() == 34_174 + 21_201


def test_positives_protocol_als_and_bpr_beat_most_popular(ratings):
    table, search, chosen = movielens.run_protocol("positives", ratings)
    print(table.round(4).to_string(), chosen, sep="\n")
    ndcg = table["ndcg_at_k"]
    assert ndcg["popular"] == pytest.approx(0.175, abs=0.01)  # the issue's own measurement of most-popular
    assert ndcg["als"] > ndcg["popular"] + 0.05
    assert ndcg["bpr"] > ndcg["popular"]
    assert ndcg["itemknn"] > ndcg["popular"] + 0.05
    assert ndcg["random"] < 0.05
    # the search ran on the validation split: every model family was fitted more than once there
    assert search.groupby("model").size().min() >= 2


def test_recommenders_protocol_most_popular_matches_their_table(ratings):
    table, _, _ = movielens.run_protocol("recommenders", ratings)
    print(table.round(4).to_string())
    assert table.loc["popular", "precision_at_k"] == pytest.approx(0.23, abs=0.02)
    assert table.loc["popular", "ndcg_at_k"] == pytest.approx(0.25, abs=0.03)
    best = table.drop(index=["popular", "random"])
    # our best model reaches their table's range (precision@10 0.33-0.41, NDCG@10 0.38-0.48)
    assert best["precision_at_k"].max() >= 0.33 and best["ndcg_at_k"].max() >= 0.38
