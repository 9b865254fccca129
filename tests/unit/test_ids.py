"""common.ids.id_text: ids read as floats (a numeric column with a gap) keep the digits the user wrote."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.common.ids import id_text


def test_whole_floats_lose_the_point_zero_and_gaps_stay_missing():
    out = id_text(pd.Series([12347.0, np.nan, 17850.0]))
    assert out.tolist()[0] == "12347" and pd.isna(out.iloc[1]) and out.iloc[2] == "17850"


def test_text_and_fractional_ids_are_kept_as_written():
    assert id_text(pd.Series([" C-1 ", "C2"])).tolist() == ["C-1", "C2"]
    assert id_text(pd.Series([1.5, 2.0])).tolist() == ["1.5", "2.0"]  # not all whole: nothing rewritten
    assert id_text(pd.Series([7, 8])).tolist() == ["7", "8"]


def test_online_retail_ids_match_with_and_without_the_gap(tmp_path):
    # the same customers, once in a column with an empty CustomerID (read as floats), once without (integers)
    with_gap = pd.read_csv(pd.io.common.StringIO("CustomerID\n12347\n\n17850\n"))["CustomerID"]
    without = pd.read_csv(pd.io.common.StringIO("CustomerID\n12347\n17850\n"))["CustomerID"]
    assert id_text(with_gap).dropna().tolist() == id_text(without).tolist() == ["12347", "17850"]
