"""SRM chi-square against scipy and assignment-consistency counts on a hand-made frame."""

import math

import pandas as pd
import pytest
from scipy import stats

from experiments.abtest.trust import clean, srm_test


def test_srm_matches_scipy_chisquare():
    # 1,000 vs 1,100 against 50/50: expected 1,050 each; chi2 = 2 * 50^2 / 1050 = 4.7619
    res = srm_test({"control": 1000, "treatment": 1100}, {"control": 0.5, "treatment": 0.5})
    ref = stats.chisquare([1000, 1100], [1050, 1050])
    assert res.chi2 == pytest.approx(4.761904, rel=1e-6) == pytest.approx(ref.statistic)
    assert res.p_value == pytest.approx(ref.pvalue)
    assert not res.flagged  # p = 0.029 > 0.001


def test_srm_planned_96_4_is_not_a_mismatch_but_50_50_would_be():
    counts = {"ad": 11298, "psa": 464}
    assert not srm_test(counts, {"ad": 0.96, "psa": 0.04}).flagged
    assert srm_test(counts, {"ad": 0.5, "psa": 0.5}).flagged


def test_srm_without_plan_is_not_tested_and_assumes_nothing():
    res = srm_test({"a": 10, "b": 90}, None)
    assert not res.tested and not res.flagged and math.isnan(res.p_value)
    assert "no planned split given" in res.message()


def test_srm_flags_a_6_percent_drop():
    # 20,000 vs 18,800 (6% of treatment lost): chi2 = 2 * 600^2 / 19,400 = 37.1, p ~ 1e-9
    res = srm_test({"control": 20000, "treatment": 18800}, [0.5, 0.5])
    assert res.flagged and res.p_value < 1e-8 and "SAMPLE RATIO MISMATCH" in res.message()


def test_clean_counts_each_fault():
    df = pd.DataFrame({
        "unit": ["u1", "u1", "u2", "u3", "u3", "u4", "u5", "u6"],
        "variant": ["c", "c", "t", "c", "t", "t", "c", "t"],
        "page": ["A", "A", "B", "A", "B", "A", "A", "B"],
        "y": [1, 1, 0, 1, 0, 0, 1, 1],
    })
    # row 2 duplicates row 1 exactly; u3 is in both variants (2 rows); u4 is treatment on page A (majority B)
    res = clean(df, unit_col="unit", variant_col="variant", consistency_col="page")
    assert res.n_removed_duplicates == 1
    assert res.n_units_multi_variant == 1 and res.n_removed_multi_variant == 2
    assert res.n_removed_mismatched == 1 and res.pairing == {"c": "A", "t": "B"}
    assert res.n_removed_inconsistent == 3
    assert sorted(res.data["unit"]) == ["u1", "u2", "u5", "u6"]


def test_clean_repeated_unit_keeps_first_and_given_pairing_wins():
    df = pd.DataFrame({"unit": [1, 1, 2], "variant": ["c", "c", "t"], "page": ["A", "A", "A"], "y": [1, 0, 1]})
    res = clean(df, unit_col="unit", variant_col="variant", consistency_col="page", pairing={"c": "A", "t": "B"})
    assert res.n_removed_repeated_units == 1 and res.n_removed_mismatched == 1
    assert res.data["y"].tolist() == [1]
