"""06 through the runner on a flat table this test writes, run ONCE (module fixture) for several checks: the values
against statsmodels and scipy computed on the same rows, the documented keys, the uplift and planted-truth sections
on a flat table, and a hostile variant label and metric column name that must not reach the report as HTML.

The table: 300 control units (30 converted, 0.10) and 300 treatment units (45 converted, 0.15), a numeric revenue
per unit, a segment column; the treatment's label is an HTML payload 5,000 characters long and the segment column's
name is a script tag.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

import nbbuild_helper as nbh
from experiments.lab.metrics import documented_keys, undocumented_keys

pytestmark = pytest.mark.slow
NB = "06_ad_ab_analysis"
LABEL = "<img src=x onerror=alert(1)>" + "x" * 5_000
SEGMENT = "<script>alert(1)</script>"


def _table(path: Path) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 300
    converted = np.r_[np.repeat([1, 0], [30, n - 30]), np.repeat([1, 0], [45, n - 45])]
    df = pd.DataFrame({"user": [f"u{i:04d}" for i in range(2 * n)], "group": ["ctrl"] * n + [LABEL] * n,
                       "converted": converted, "revenue": np.round(rng.gamma(2.0, 10.0, 2 * n) * (1 + converted), 2),
                       SEGMENT: rng.choice(["north", "south", "east"], 2 * n)})
    df.to_csv(path, index=False)
    return df


@pytest.fixture(scope="module")
def flat_run(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("flat06")
    frame = _table(base / "units.csv")
    overrides = {"input_path": str(base / "units.csv"), "unit_col": "user", "variant_col": "group",
                 "control_label": "ctrl", "metric_cols": json.dumps(["converted", "revenue"]),
                 "planned_split": "[0.5, 0.5]", "segment_cols": json.dumps([SEGMENT]),
                 "aa_sims": 200}
    run = nbh.run_one(NB, base, overrides)
    return {"status": run["status"], "error": run["error"], "frame": frame,
            "metrics": run["metrics"],
            "html": run["html"]}


def test_the_run_passes_and_writes_only_documented_keys(flat_run):
    assert flat_run["status"] == "passed", flat_run["error"]
    m = flat_run["metrics"]
    assert undocumented_keys(m, documented_keys(NB)) == []
    assert not any(k.startswith("planted_") for k in m)  # a flat table has no planted truth


def test_values_match_statsmodels_and_scipy_on_the_same_rows(flat_run):
    m, df = flat_run["metrics"], flat_run["frame"]
    assert (m["n_control"], m["n_treatment"], m["n_variants"]) == (300, 300, 2)
    assert (m["converted_control_rate"], m["converted_treatment_rate"]) == pytest.approx((0.10, 0.15))
    assert m["converted_abs_lift"] == pytest.approx(0.05) and m["converted_rel_lift"] == pytest.approx(0.5)
    z, p = proportions_ztest([45, 30], [300, 300])  # pooled two-proportion z-test
    assert (m["converted_z"], m["converted_p_value"]) == pytest.approx((z, p), rel=1e-9)
    ci = confint_proportions_2indep(45, 300, 30, 300, method="newcomb", compare="diff")
    assert (m["converted_ci_low"], m["converted_ci_high"]) == pytest.approx(ci, rel=1e-9)
    arm = df["group"] == LABEL
    welch = stats.ttest_ind(df.loc[arm, "revenue"], df.loc[~arm, "revenue"], equal_var=False)
    assert (m["revenue_z"], m["revenue_p_value"]) == pytest.approx((welch.statistic, welch.pvalue), rel=1e-9)
    # 300 / 300 against the planned 50/50: chi-square 0, p = 1
    assert m["srm_tested"] and m["srm_p_value"] == pytest.approx(1.0) and not m["srm_flagged"]
    # Holm over the family of the two metrics (statsmodels as reference)
    holm = multipletests([p, welch.pvalue], method="holm")[1]
    assert (m["converted_p_value_holm"], m["revenue_p_value_holm"]) == pytest.approx(tuple(holm), rel=1e-9)


def test_simulations_uplift_and_segments_on_a_flat_table(flat_run):
    m = flat_run["metrics"]
    assert m["aa_sims"] == 200 and 0 <= m["aa_fpr_fixed"] <= 1 and m["power_sims"] == 200
    assert m["n_segment_tests"] == 3 * 2  # 3 segment levels x 2 metrics, one treatment
    # the segments carry no planted effect: the uplift ranking is flat, its interval contains 0
    assert m["uplift_qini_ci_low"] <= m["uplift_qini"] <= m["uplift_qini_ci_high"]
    assert m["uplift_qini_ci_low"] < 0 < m["uplift_qini_ci_high"]
    assert "This is not targeting advice" in flat_run["html"]


def test_hostile_label_and_column_are_escaped_and_shortened(flat_run):
    html = flat_run["html"]
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "x" * 200 not in html  # the 5,000-character label is shortened wherever it is shown
    assert "No planted truth here" in html
