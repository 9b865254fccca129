"""Real data (../shared/datasets/ad_ab or $CIL_DATASETS): the Facebook campaign funnel and the marketing_AB sample.

Reference numbers from the dataset README. Skipped with a reason when the datasets folder is absent. The marketing
sample is analysed with the notebook's own parameters and its ``marketing_ab`` profile (conf/params), read through
``abtest.load`` as the notebook reads it; the notebook itself runs on a flat table in tests/unit (once).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from experiments import abtest
from experiments.abtest.funnel import KAG_COLS, funnel_table
from experiments.abtest.power import power_unequal
from experiments.data.paths import datasets_dir
from experiments.data.tables import read_table
from experiments.lab.config import notebook_parameters

pytestmark = pytest.mark.realdata
AD_AB = datasets_dir() / "ad_ab"
KAG = AD_AB / "KAG_conversion_data.csv"
MARKETING = AD_AB / "marketing_AB_sample.csv"


def _need(path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"real dataset not available: {path} (set CIL_DATASETS to the shared datasets folder)")


def test_kag_funnel_by_campaign_matches_readme():
    _need(KAG)
    df = read_table(KAG, encoding="utf-8-sig")
    f = funnel_table(df, "xyz_campaign_id", KAG_COLS).set_index("xyz_campaign_id")
    readme = {916: (54, 482_925, 113, 149.71, 58, 24), 936: (464, 8_128_187, 1_984, 2_893.37, 537, 183),
              1178: (625, 204_823_716, 36_068, 55_662.15, 2_669, 872)}
    for campaign, (ads, imp, clicks, spent, conv, approved) in readme.items():
        row = f.loc[campaign]
        assert (row["units"], row["impressions"], row["clicks"]) == (ads, imp, clicks)
        assert row["cost"] == pytest.approx(spent, abs=0.01)
        assert (row["conversions"], row["approved"]) == (conv, approved)
        assert row["cpa"] == pytest.approx(spent / conv)
        assert row["cost_per_approved"] == pytest.approx(spent / approved)
    assert f["impressions"].sum() == 213_434_828 and f["clicks"].sum() == 38_165
    assert f["cost"].sum() == pytest.approx(58_705.23, abs=0.01)
    ctr = f["clicks"].sum() / f["impressions"].sum()
    assert round(100 * ctr, 4) == 0.0179  # README: CTR 0.0179%


def test_kag_funnel_by_segment():
    _need(KAG)
    df = read_table(KAG, encoding="utf-8-sig")
    age = funnel_table(df, "age", KAG_COLS).set_index("age")
    assert age["units"].to_dict() == {"30-34": 426, "35-39": 248, "40-44": 210, "45-49": 259}
    gender = funnel_table(df, ["xyz_campaign_id", "gender"], KAG_COLS)
    assert gender["units"].sum() == 1143 and gender["approved"].sum() == 1079
    assert (gender["cost_per_approved"].dropna() > 0).all()


def _marketing(**overrides) -> dict:
    params = notebook_parameters("06_ad_ab_analysis", "marketing_ab",
                                 {"input_path": str(MARKETING), "aa_sims": 0} | overrides)
    return abtest.run(abtest.Config.from_parameters(params)).metrics()


def test_marketing_sample_reference_and_power():
    _need(MARKETING)
    m = _marketing()
    # README: ad 293 / 11,298 = 2.5934%, psa 5 / 464 = 1.0776%
    assert (m["n_treatment"], m["n_control"]) == (11298, 464)
    assert m["converted_treatment_rate"] == pytest.approx(293 / 11298)
    assert m["converted_control_rate"] == pytest.approx(5 / 464)
    assert not m["srm_flagged"] and m["srm_p_value"] > 0.5  # the planned 96/4 split is not a mismatch
    assert (m["n_removed_inconsistent"], m["n_removed_duplicates"]) == (0, 0)
    # Newcombe interval (statsmodels as reference), consistent with the pooled z-test: p = 0.042 and CI above 0
    ref = confint_proportions_2indep(293, 11298, 5, 464, method="newcomb", compare="diff")
    assert (m["converted_ci_low"], m["converted_ci_high"]) == pytest.approx(ref, rel=1e-9)
    assert m["converted_ci_method"] == "newcombe" and m["converted_ci_low"] > 0
    assert 0.04 < m["converted_p_value"] < 0.045 and math.isclose(m["converted_z"], 2.036, abs_tol=1e-3)
    # only 5 psa conversions: not a verdict to sign; MDE ~ +2 pp, far above the full file's +0.77 pp
    assert m["verdict"] == "keep running"
    assert m["mde_abs"] > 0.0077 * 2
    assert power_unequal(0.0179, 0.0255, 464, 11298) < 0.3  # power for the full-data effect
    no_plan = _marketing(planned_split=None)
    assert no_plan["srm_p_value"] is None and not no_plan["srm_tested"] and not no_plan["srm_flagged"]
