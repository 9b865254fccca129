"""Issue 9: CUPED for ratio metrics (CTR-like: sum of a numerator over sum of a denominator per arm), with a
pre-period numerator and denominator, by the delta method (Deng, Knoblich & Lu 2018, KDD, section 3.3).

Checked against a peer implementation (tea-tasting's RatioOfMeans with numer_covariate / denom_covariate, a
test-only dependency) to machine precision, against ordinary CUPED when every denominator is 1 (the ratio is then
a mean), and by simulation: over repeated experiments the adjusted difference is unbiased, its spread matches the
reported SE, and its variance shrinks by the planted pre/post correlation.
"""

import numpy as np
import pandas as pd
import pytest
import tea_tasting as tt
from test_abtest_support import run_frame as _run

from experiments import abtest
from experiments.abtest import cuped, present, sources
from experiments.abtest.ratio_cuped import check_pre_cols, ratio_cuped, ratio_cuped_table
from experiments.common.errors import DataInputError, ParameterError
from experiments.lab.config import notebook_parameters

ROLES = ["clicks", "impressions", "pre_clicks", "pre_impressions"]


def _ads(n: int, lift: float, seed: int) -> pd.DataFrame:
    """Units with a persistent activity (impressions) and a persistent own CTR, seen before and after assignment:
    the pre-period CTR predicts the post-period one. Treatment multiplies each unit's CTR by 1 + lift."""
    rng = np.random.default_rng(seed)
    treat = rng.random(n) < 0.5
    activity = rng.lognormal(-0.845, 1.3, n)
    ctr = np.minimum(0.08 * rng.lognormal(-0.125, 0.5, n), 0.9)
    imp, pre_imp = rng.poisson(25 * activity), rng.poisson(50 * activity)
    return pd.DataFrame({"unit": np.arange(n), "variant": np.where(treat, "t", "c"),
                         "clicks": rng.binomial(imp, np.minimum(ctr * np.where(treat, 1 + lift, 1), 1)),
                         "impressions": imp, "pre_clicks": rng.binomial(pre_imp, ctr), "pre_impressions": pre_imp})


def _arms(df: pd.DataFrame, cols=ROLES):
    return ([df.loc[df["variant"] == "t", c].to_numpy(float) for c in cols],
            [df.loc[df["variant"] == "c", c].to_numpy(float) for c in cols])


@pytest.mark.parametrize(("lift", "seed"), [(0.05, 1), (0.0, 2)])
def test_ratio_cuped_matches_tea_tasting(lift, seed):
    df = _ads(20_000, lift, seed)
    ref = tt.Experiment(ctr=tt.RatioOfMeans("clicks", "impressions", "pre_clicks", "pre_impressions",
                                            use_t=False)).analyze(df.assign(variant=df["variant"].eq("t").astype(int)),
                                                                  control=0)["ctr"]
    ours = ratio_cuped(*_arms(df))
    assert (ours.control, ours.treatment, ours.abs_lift) == pytest.approx(
        (ref.control, ref.treatment, ref.effect_size), rel=1e-9)
    assert (ours.ci_low, ours.ci_high, ours.z) == pytest.approx(
        (ref.effect_size_ci_lower, ref.effect_size_ci_upper, ref.statistic), rel=1e-9)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-6)
    assert ours.rel_lift == pytest.approx(ref.rel_effect_size, rel=1e-9)
    assert ours.variance_reduction > 0.5  # the planted pre/post CTR correlation removes most of the noise


def test_with_unit_denominators_it_is_ordinary_cuped():
    # x = v = 1 for every unit: R is the mean of y, C the mean of u, l = y - ybar, k = u - ubar, so theta and the
    # adjusted difference are Deng et al. (2013)'s CUPED on means (pooled theta), and the SE is Welch's on Y_cuped
    rng = np.random.default_rng(3)
    u = rng.gamma(2.0, 3.0, 4000)
    y = 0.7 * u + rng.normal(0, 2, 4000) + np.r_[np.zeros(2000), np.full(2000, 0.4)]
    df = pd.DataFrame({"v": ["c"] * 2000 + ["t"] * 2000, "y": y, "u": u, "one": 1.0})
    ref = cuped.cuped_compare(df, "y", "u", variant_col="v", control_label="c", variant="t")
    t, c = _arms(df.rename(columns={"v": "variant"}), ["y", "one", "u", "one"])
    ours = ratio_cuped(t, c)
    assert ours.theta == pytest.approx(ref.theta, rel=1e-9)
    assert ours.abs_lift == pytest.approx(ref.adjusted.abs_lift, rel=1e-9)
    assert ours.se == pytest.approx(ref.adjusted.se, rel=1e-9)


def test_simulation_unbiased_with_the_reported_se_and_less_variance():
    # 400 experiments of 4,000 units with a planted +5% CTR lift: the adjusted and raw differences have the same
    # mean (both estimate the same ratio difference), the adjusted one's spread matches its mean reported SE, and
    # its variance is smaller by about the reported variance reduction
    raw, adj, se, vr = [], [], [], []
    for seed in range(400):
        r = ratio_cuped(*_arms(_ads(4000, 0.05, 100 + seed)))
        raw.append(r.raw_abs_lift)
        adj.append(r.abs_lift)
        se.append(r.se)
        vr.append(r.variance_reduction)
    raw, adj = np.array(raw), np.array(adj)
    assert abs(adj.mean() - raw.mean()) < 4 * (adj - raw).std(ddof=1) / np.sqrt(400)
    assert adj.std(ddof=1) == pytest.approx(np.mean(se), rel=0.12)  # SE of an SD over 400 draws is ~3.5%
    assert 1 - adj.var(ddof=1) / raw.var(ddof=1) == pytest.approx(np.mean(vr), abs=0.1)
    assert np.mean(vr) > 0.4


def test_table_covers_only_ratios_with_both_pre_columns_and_checks_them():
    df = _ads(3000, 0.05, 4)
    table = ratio_cuped_table(df, variant_col="variant", control_label="c",
                              pre_cols={"clicks": "pre_clicks", "impressions": "pre_impressions"})
    assert table["ratio"].tolist() == ["ctr"]  # cvr (conversions / clicks) has no conversions columns here
    assert table.loc[0, "ci_width_ratio"] < 1
    with pytest.raises(DataInputError, match=r"unknown roles \['clickz'\]"):
        check_pre_cols(df, {"clickz": "pre_clicks"})
    with pytest.raises(DataInputError, match=r"columns \['nope'\]"):
        check_pre_cols(df, {"clicks": "nope"})
    flat = {"input_path": "x.csv"}
    with pytest.raises(ParameterError, match="pre_funnel_cols"):  # conf/runs.yaml: a dict
        notebook_parameters("06_ad_ab_analysis", None, flat | {"pre_funnel_cols": ["pre_clicks"]})
    with pytest.raises(ParameterError, match="pre_funnel_cols"):  # Config: its keys are funnel roles
        abtest.Config.from_parameters(notebook_parameters("06_ad_ab_analysis", None,
                                                          flat | {"pre_funnel_cols": {"clickz": "pre_clicks"}}))


def test_analyse_reports_ratio_cuped_keys():
    df = _ads(6000, 0.05, 5)
    a = _run(df, "unit", "variant", "c", ["clicks"],
             pre_funnel_cols={"clicks": "pre_clicks", "impressions": "pre_impressions"})
    m = a.metrics()
    row = a.ratio_cuped.iloc[0]
    assert m["ratio_ctr_cuped_abs_lift"] == row["abs_lift"] and m["ratio_ctr_cuped_p_value"] == row["p_value"]
    raw = a.ratios[a.ratios["ratio"] == "ctr"].set_index("variant")["se"]  # delta-method SE per arm, no CUPED
    assert row["raw_se"] == pytest.approx(float(np.hypot(raw["t"], raw["c"])), rel=1e-9)
    assert m["ratio_ctr_cuped_se"] < row["raw_se"]
    assert 0 < m["ratio_ctr_cuped_variance_reduction"] < 1
    shown = present.ratio_cuped_table(a)
    assert shown.loc[0, "ratio"] == "CTR" and shown.loc[0, "CUPED SE"] < shown.loc[0, "raw SE"]
    assert sources.input_roles(a.config)["pre_funnel"] == ["pre_clicks", "pre_impressions"]
    assert "ratio_ctr_cuped_abs_lift" not in _run(df, "unit", "variant", "c", ["clicks"]).metrics()


def test_the_loader_checks_the_pre_funnel_columns(tmp_path):
    path = tmp_path / "ads.csv"
    _ads(50, 0.0, 6).to_csv(path, index=False)
    base = {"input_path": str(path), "unit_col": "unit", "variant_col": "variant", "control_label": "c",
            "metric_cols": ["clicks"]}
    def config(pre: dict) -> abtest.Config:
        return abtest.Config.from_parameters(notebook_parameters("06_ad_ab_analysis", None,
                                                                 base | {"pre_funnel_cols": pre}))

    assert "pre_clicks" in sources.load(config({"clicks": "pre_clicks"})).frame.columns
    with pytest.raises(DataInputError, match="pre_clickz"):
        sources.load(config({"clicks": "pre_clickz"}))
