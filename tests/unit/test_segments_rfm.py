"""RFM scores and named segments on hand-made frames."""

import itertools

import pandas as pd
import pytest

from experiments.segments import rfm


def test_quintile_scores_by_hand_with_ties():
    # ten customers with frequencies 1,1,1,1,2,2,3,4,5,9: average percentile ranks
    # the four 1s share rank 2.5 -> pct 0.25 -> ceil(1.25) = 2; the 2s: rank 5.5 -> 0.55 -> 3; 3: 0.7 -> 4 (ceil 3.5);
    # 4: 0.8 -> 4; 5: 0.9 -> 5 (ceil 4.5); 9: 1.0 -> 5
    f = pd.Series([1, 1, 1, 1, 2, 2, 3, 4, 5, 9])
    assert rfm.quintile_score(f).tolist() == [2, 2, 2, 2, 3, 3, 4, 4, 5, 5]
    # recency: fewer days is better, so the most recent gets 5
    r = pd.Series([1, 10, 100, 200, 300])
    assert rfm.quintile_score(r, higher_is_better=False).tolist() == [5, 4, 3, 2, 1]


def test_every_rf_cell_has_exactly_the_documented_segment():
    cells = pd.DataFrame(list(itertools.product(range(1, 6), range(1, 6))), columns=["r", "f"])
    seg = rfm.segment_of(cells["r"], cells["f"])
    got = dict(zip(zip(cells["r"], cells["f"], strict=True), seg, strict=True))
    assert got[(5, 5)] == got[(4, 4)] == "Champions"
    assert got[(3, 5)] == got[(5, 3)] == got[(3, 3)] == "Loyal"
    assert got[(5, 1)] == got[(4, 1)] == "New"
    assert got[(5, 2)] == got[(3, 1)] == got[(3, 2)] == "Potential loyalists"
    assert got[(1, 5)] == got[(1, 4)] == "Cannot lose them"
    assert got[(2, 5)] == got[(1, 3)] == got[(2, 3)] == "At risk"
    assert got[(2, 1)] == got[(2, 2)] == "Hibernating"
    assert got[(1, 1)] == got[(1, 2)] == "Lost"
    assert set(seg) == set(rfm.SEGMENTS)


def test_rfm_scores_of_a_hand_made_customer_base():
    # five customers: A bought yesterday 9 times, E a year ago once
    recency = pd.Series([1, 20, 60, 200, 365], index=list("ABCDE"))
    freq = pd.Series([9, 6, 3, 5, 1], index=list("ABCDE"))
    spend = pd.Series([900.0, 300.0, 100.0, 700.0, 10.0], index=list("ABCDE"))
    s = rfm.rfm_scores(recency, freq, spend)
    assert s["r_score"].tolist() == [5, 4, 3, 2, 1]
    assert s["f_score"].tolist() == [5, 4, 2, 3, 1]
    assert s.loc["A", "rfm_score"] == "555" and s.loc["A", "rfm_segment"] == "Champions"
    assert s.loc["D", "rfm_segment"] == "At risk"      # R 2, F 3: bought often, not lately
    assert s.loc["E", "rfm_segment"] == "Lost"
    assert s.loc["C", "rfm_segment"] == "Potential loyalists"


def test_scores_outside_one_to_five_are_refused():
    with pytest.raises(ValueError, match="outside 1-5"):
        rfm.segment_of(pd.Series([0]), pd.Series([3]))


def test_grid_puts_recent_buyers_on_top():
    s = pd.DataFrame({"r_score": [5, 5, 1], "f_score": [1, 1, 5]})
    g = rfm.grid(s)
    assert g.index.tolist() == [5, 4, 3, 2, 1] and g.loc[5, 1] == 2 and g.loc[1, 5] == 1
