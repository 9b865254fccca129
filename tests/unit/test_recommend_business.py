"""Merchandiser outputs (reasons, neighbours, cold start) and the interaction loaders, on hand-made frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.common.errors import DataInputError
from experiments.recommend import business
from experiments.recommend.matrix import build_matrix
from experiments.recommend.models import make_model
from experiments.recommend.sources import company_interactions, customer_profiles, flat_interactions


def _baskets() -> pd.DataFrame:
    # beans are bought with cookies (3 customers), tea with mugs (2 customers); c6 bought beans only
    rows = [("c1", "beans"), ("c1", "cookies"), ("c2", "beans"), ("c2", "cookies"), ("c3", "beans"), ("c3", "cookies"),
            ("c4", "tea"), ("c4", "mug"), ("c5", "tea"), ("c5", "mug"), ("c6", "beans"), ("c7", "tea")]
    return pd.DataFrame(rows, columns=["user", "item"])


def test_item_similarity_and_also_bought_hand_worked():
    m = build_matrix(_baskets(), use_weight=False)
    sim = business.item_similarity(m)
    b, c, t = m.item_cols(["beans", "cookies", "tea"])
    # beans: 4 buyers, cookies 3, shared 3 -> cosine 3 / sqrt(12) = 0.866; beans and tea share nobody
    assert sim[b, c] == pytest.approx(3 / np.sqrt(12))
    assert sim[b, t] == 0 and sim[b, b] == 0
    nb = business.also_bought(m, n=2, item_names=pd.Series({"beans": "Beans 1kg"}), min_shared=2)
    top = nb[nb["item_id"] == "beans"].iloc[0]
    assert (top["neighbour_id"], top["shared_buyers"], top["item"]) == ("cookies", 3, "Beans 1kg")
    assert set(nb.loc[nb["item_id"] == "tea", "neighbour_id"]) == {"mug"}
    assert "mug" not in set(nb.loc[nb["item_id"] == "beans", "neighbour_id"])  # no shared buyer, no link


def test_reason_names_the_most_linked_bought_item():
    m = build_matrix(_baskets(), use_weight=False)
    sim = business.item_similarity(m)
    users = m.user_rows(["c6", "c7", "c6"])
    items = m.item_cols(["cookies", "mug", "mug"])
    names = pd.Series({"beans": "Ethiopia Cold Brew 1kg"})
    reasons = business.reasons_for(users, items, m, sim, names)
    # c6 bought beans, linked to cookies; c7 bought tea, linked to mug; c6's beans share no buyer with mug
    assert list(reasons) == ["because you bought Ethiopia Cold Brew 1kg", "because you bought tea",
                             business.FALLBACK_REASON]


def test_top_n_lists_every_known_customer_without_bought_items():
    m = build_matrix(_baskets(), use_weight=False)
    model = make_model("itemknn", {"similarity": "cosine", "K": 5}, seed=1).fit(m.user_items)
    recs = business.top_n(model, m, n=2, exclude_bought=True)
    assert list(recs.columns) == business.OUTPUT_COLUMNS
    assert set(recs["customer_id"]) <= set(m.users)
    bought = set(zip(_baskets()["user"], _baskets()["item"], strict=True))
    assert not bought & set(zip(recs["customer_id"], recs["item_id"], strict=True))
    row = recs[recs["customer_id"] == "c6"].iloc[0]
    assert (row["item_id"], row["reason"]) == ("cookies", "because you bought beans")


def test_cold_start_prefers_segment_then_channel_then_overall_and_is_never_empty():
    inter = _baskets()
    profiles = pd.DataFrame({"customer_id": ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "new1", "new2", "new3"],
                             "channel": ["shop"] * 3 + ["pos"] * 4 + ["pos", "shop", "unknown"],
                             "segment": ["", "", "", "tea lovers", "tea lovers", "", "", "tea lovers", "", ""]})
    out = business.cold_start(["new1", "new2", "new3"], inter, profiles, n=3)
    lists = out.groupby("customer_id")["item_id"].apply(list).to_dict()
    # segment "tea lovers" (c4, c5) bought tea and mug -> those first, topped up by the overall favourite beans
    assert lists["new1"] == ["mug", "tea", "beans"]
    # channel shop (c1-c3): beans and cookies (3 buyers each; ties by item id), then overall
    assert lists["new2"][:2] == ["beans", "cookies"]
    # an unseen channel falls back to the overall list: beans 4 buyers, then cookies and tea 3 each (ties by id)
    assert lists["new3"] == ["beans", "cookies", "tea"]
    assert out.groupby("customer_id").size().eq(3).all()
    assert out.loc[out["customer_id"] == "new1", "source"].iloc[0] == "cold_start:segment"


def test_company_interactions_keep_completed_lines_of_known_customers():
    orders = pd.DataFrame({"customer_id": ["a", None, "b", "c"], "item_id": ["i1", "i1", "i2", "i3"],
                           "quantity": [2, 1, 1, -1], "status": ["completed", "completed", "cancelled", "completed"],
                           "ordered_at": pd.to_datetime(["2024-01-01"] * 4, utc=True), "channel": ["shop"] * 4})
    inter = company_interactions(orders)
    assert inter.frame[["user", "item", "weight"]].values.tolist() == [["a", "i1", 2.0]]
    assert inter.dropped == {"not completed (cancelled or returned)": 1, "guest line (no customer_id)": 1,
                             "quantity <= 0 (return line)": 1}
    prof = customer_profiles(pd.DataFrame({"customer_id": ["a", "z"], "acquisition_channel": ["crm", None]}),
                             inter.frame)
    assert prof.set_index("customer_id")["channel"].to_dict() == {"a": "crm", "z": "unknown"}


def test_flat_interactions_validate_weight_time_and_min_rating():
    cols = {"user": "uid", "item": "iid", "weight": "stars", "time": "ts"}
    df = pd.DataFrame({"user": ["1", "2", "", "3"], "item": ["x", "y", "z", "x"], "weight": [5, 3, 4, 4],
                       "time": ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]})
    dates = {"date_order": "auto", "date_format": ""}
    out = flat_interactions(df, "r.csv", cols, min_rating=4, **dates)
    assert out.frame[["user", "item"]].values.tolist() == [["1", "x"], ["3", "x"]]
    assert out.dropped == {"no user (uid empty)": 1, "rating below min_rating 4": 1}
    assert str(out.frame["time"].dt.tz) == "UTC"
    bad = df.assign(weight=["5", "lots", "4", "4"])
    with pytest.raises(DataInputError, match=r"r.csv: column 'stars' .*not numbers \(row 2"):
        flat_interactions(bad, "r.csv", cols, min_rating=None, **dates)
    with pytest.raises(DataInputError, match=r"'ts' .*not dates"):
        flat_interactions(df.assign(time=["2024-01-02", "soon", "2024-01-04", "2024-01-05"]), "r.csv", cols,
                          min_rating=None, **dates)
    with pytest.raises(DataInputError, match="min_rating is set but weight_col is empty"):
        flat_interactions(df.drop(columns="weight"), "r.csv", cols, min_rating=4, **dates)


def test_segment_table_names_customers_without_a_segment_and_tables_without_groups():
    # was '(none)' for customers without an RFM segment and 'unknown' for every customer of a flat table
    from types import SimpleNamespace

    from experiments.recommend import present

    recs = pd.DataFrame({"customer_id": ["a", "b", "c"], "item_name": ["X", "X", "Y"]})
    seg = pd.DataFrame({"customer_id": ["a", "b", "c"], "segment": ["Champions", "", ""], "channel": "unknown"})
    table = present.segment_table(SimpleNamespace(recommendations=recs, data=SimpleNamespace(
        segments_found=True, profiles=seg)))
    assert list(table.index) == ["no segment (no purchase: 02 gives them no RFM segment)", "Champions"]
    flat = present.segment_table(SimpleNamespace(recommendations=recs, data=SimpleNamespace(
        segments_found=False, profiles=seg)))
    assert list(flat.index) == ["all customers (the table has no segment or channel)"]
    assert flat["customers"].tolist() == [3]


def _reasons_by_sort(users, items, train, sim, item_names=None):
    """The former implementation (a lexsort over every pair's history), kept as the reference."""
    users, items = np.asarray(users, dtype=np.int64), np.asarray(items, dtype=np.int64)
    out = np.full(len(users), business.FALLBACK_REASON, dtype=object)
    valid = items >= 0
    hist = train.binary()[users[valid]].tocoo()
    pair = np.flatnonzero(valid)[hist.row]
    bought = hist.col
    score = sim.toarray()[items[pair], bought]
    order = np.lexsort((bought, -score, pair))
    first = order[np.r_[True, pair[order][1:] != pair[order][:-1]]]
    ok = score[first] > 0
    because = np.array(["because you bought " + n for n in np.asarray(train.items.astype(str))], dtype=object)
    out[pair[first[ok]]] = because[bought[first[ok]]]
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("batch", "dense_max"), [(7, 5000), (500_000, 5000), (500_000, 0)])
def test_reasons_match_the_sorting_reference_with_ties_and_batches(seed, batch, dense_max, monkeypatch):
    rng = np.random.default_rng(seed)
    n_users, n_items = 300, 25
    # few items per user and repeated baskets: many exact similarity ties
    rows = [(f"u{u}", f"i{i}") for u in range(n_users) for i in rng.choice(n_items, rng.integers(0, 5), replace=False)]
    m = build_matrix(pd.DataFrame(rows, columns=["user", "item"]), use_weight=False)
    sim = business.item_similarity(m)
    users = rng.integers(0, m.n_users, 2_000)
    items = rng.integers(-1, m.n_items, 2_000)  # -1: padding, no reason
    monkeypatch.setattr(business, "REASON_BATCH", batch)
    monkeypatch.setattr(business, "DENSE_SIMILARITY_MAX_ITEMS", dense_max)  # 0: the sparse lookup of big catalogues
    got = business.reasons_for(users, items, m, sim)
    assert list(got) == list(_reasons_by_sort(users, items, m, sim))
    assert (got != business.FALLBACK_REASON).sum() > 500  # most pairs found a link
