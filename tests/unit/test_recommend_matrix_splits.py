"""Matrix orientation and the two splits (no test pair leaks into training)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from experiments.recommend.matrix import InteractionMatrix, bm25, build_matrix
from experiments.recommend.splits import make_split, random_split, time_split


def _checkerboard() -> pd.DataFrame:
    # 3 users x 4 items; user u bought item i when u + i is even, with weight 10 * u + i + 1 so every cell differs:
    #        a   b   c   d
    #  u0    1   .   3   .
    #  u1    .  12   .  14
    #  u2   21   .  23   .
    rows = [(f"u{u}", "abcd"[i], 10 * u + i + 1) for u in range(3) for i in range(4) if (u + i) % 2 == 0]
    return pd.DataFrame(rows, columns=["user", "item", "weight"])


def test_checkerboard_keeps_users_on_rows_and_items_on_columns():
    m = build_matrix(_checkerboard())
    assert m.user_items.shape == (3, 4)
    assert list(m.users) == ["u0", "u1", "u2"] and list(m.items) == ["a", "b", "c", "d"]
    dense = m.user_items.toarray()
    expected = np.array([[1, 0, 3, 0], [0, 12, 0, 14], [21, 0, 23, 0]], dtype=np.float32)
    np.testing.assert_array_equal(dense, expected)
    assert m.value("u1", "d") == 14 and m.value("u2", "a") == 21 and m.value("u0", "b") == 0
    # looking a user up as an item (or the reverse) is an error, not a silent wrong cell
    with pytest.raises(KeyError, match="not items"):
        m.item_cols(["u1"])
    with pytest.raises(KeyError, match="not users"):
        m.user_rows(["a"])


def test_transposed_matrix_is_refused():
    m = build_matrix(_checkerboard())
    with pytest.raises(ValueError, match="transposed"):
        InteractionMatrix(m.user_items.T.tocsr(), m.users, m.items)


def test_given_ids_fix_rows_and_drop_unknown():
    m = build_matrix(_checkerboard(), users=["u2", "u0"], items=["c", "a"])
    np.testing.assert_array_equal(m.user_items.toarray(), [[23, 21], [3, 1]])


def test_counts_log_and_recency_weighting():
    df = pd.DataFrame({"user": ["x", "x", "y"], "item": ["a", "a", "a"], "weight": [2.0, 3.0, 1.0],
                       "time": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-11"], utc=True)})
    assert build_matrix(df, use_weight=False).value("x", "a") == 2  # two rows
    assert build_matrix(df).value("x", "a") == 5  # 2 + 3
    assert build_matrix(df, scaling="log").value("x", "a") == pytest.approx(np.log1p(5))
    # half-life 10 days, latest time 2024-01-11: the first row is 10 days old -> 2 * 0.5 + 3 = 4
    assert build_matrix(df, recency_half_life_days=10).value("x", "a") == pytest.approx(4.0)
    with pytest.raises(ValueError, match="scaling"):
        build_matrix(df, scaling="tfidf")
    with pytest.raises(ValueError, match="time"):
        build_matrix(df.drop(columns="time"), recency_half_life_days=5)


def test_bm25_matches_implicit():
    from implicit.nearest_neighbours import bm25_weight

    rng = np.random.default_rng(0)
    ui = sp.random(30, 12, density=0.3, format="csr", random_state=rng) * 5
    ours = bm25(ui, k1=100, b=0.8).toarray()
    # implicit's bm25_weight treats rows as documents: give it items x users
    ref = bm25_weight(ui.T.tocsr(), K1=100, B=0.8).T.toarray()
    np.testing.assert_allclose(ours, ref, rtol=1e-5)


def _events() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 400
    return pd.DataFrame({"user": rng.integers(0, 40, n).astype(str), "item": rng.integers(0, 25, n).astype(str),
                         "weight": 1.0, "time": pd.Timestamp("2024-01-01", tz="UTC")
                         + pd.to_timedelta(rng.integers(0, 200, n), unit="D")})


def _pairs(df: pd.DataFrame) -> set:
    return set(zip(df["user"], df["item"], strict=True))


def test_time_split_has_no_leak_and_separates_cold_users():
    df = _events()
    s = time_split(df, test_fraction=0.3)
    assert (s.train["time"] < s.cutoff).all()
    assert (s.test["time"] >= s.cutoff).all() and (s.cold["time"] >= s.cutoff).all()
    assert not _pairs(s.test) & _pairs(s.train) and not _pairs(s.cold) & _pairs(s.train)
    assert set(s.test["user"]) <= set(s.train["user"])
    assert not set(s.cold["user"]) & set(s.train["user"])
    assert set(s.test["item"]) <= set(s.train["item"])


def test_time_split_hand_worked():
    # cut-off 2024-01-05: train is the first three rows (u1-a, u1-c, u3-b); after it u1's repeat of a is not a
    # test target, u1-b is (b was sold before, to u3), u1-z is not (z is new: no model can recommend it), u2 is cold
    df = pd.DataFrame({"user": ["u1", "u1", "u3", "u1", "u1", "u2", "u1"], "item": ["a", "c", "b", "a", "b", "a", "z"],
                       "time": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-06", "2024-01-07",
                                               "2024-01-08", "2024-01-09"], utc=True)})
    s = time_split(df, 0.2, cutoff="2024-01-05")
    assert len(s.train) == 3
    assert _pairs(s.test) == {("u1", "b")}
    assert _pairs(s.cold) == {("u2", "a")}
    assert s.counts == {"test_pairs_new_item": 1, "cold_users": 1}


def test_random_split_per_user_shares_and_seed():
    df = _events()
    s = random_split(df, 0.25, seed=3)
    assert not _pairs(s.test) & _pairs(s.train)
    n = df.drop_duplicates(["user", "item"]).groupby("user").size()
    held = s.test.groupby("user").size().reindex(n.index, fill_value=0)
    expected = np.minimum(np.floor(0.25 * n + 0.5), n - 1)
    np.testing.assert_array_equal(held.to_numpy(), expected.to_numpy())
    assert (s.train.groupby("user").size().reindex(n.index, fill_value=0) > 0).all()  # everyone keeps history
    again = random_split(df, 0.25, seed=3)
    pd.testing.assert_frame_equal(s.test, again.test)
    assert _pairs(random_split(df, 0.25, seed=4).test) != _pairs(s.test)


def test_split_failures():
    df = _events()
    with pytest.raises(ValueError, match="time column"):
        time_split(df.drop(columns="time"), 0.2)
    with pytest.raises(ValueError, match="between 0 and 1"):
        random_split(df, 1.5, seed=1)
    with pytest.raises(ValueError, match="'time' or 'random'"):
        make_split(df, "leave_one_out", 0.2, seed=1)
