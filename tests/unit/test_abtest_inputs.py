"""06's input path: the shared loader, the company-world roles, the A/A keys and the Bayesian counts."""

from pathlib import Path

import pandas as pd
import pytest
from test_abtest_support import run_frame as _run

from experiments import abtest
from experiments.abtest import analysis, sources
from experiments.abtest.engine_steps import arm_stats
from experiments.abtest.simulate import AASimulation, aa_metrics
from experiments.common.errors import DataInputError
from experiments.lab.config import notebook_parameters

PARAMS = {"input_path": "", "experiment_id": "exp_cvr_lift", "unit_col": "unit_id", "variant_col": "variant",
          "control_label": "control", "metric_cols": ["conversions"], "planned_split": None, "pre_metric_col": "",
          "time_col": "", "segment_cols": [], "consistency_col": "", "alpha": 0.05, "one_sided": False,
          "target_relative_lift": 0.1, "aa_sims": 10, "seed": 3}


def _config(overrides: dict | None = None) -> abtest.Config:
    return abtest.Config.from_parameters(notebook_parameters("06_ad_ab_analysis", None, PARAMS | (overrides or {})))


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "ab.csv"
    pd.DataFrame({"user id": [1, 2, 3, 4], "test group": ["ad", "psa", "ad", "psa"],
                  "converted": [True, False, False, True]}).to_csv(path, index=False)
    return path


def test_bad_role_column_names_file_column_and_suggestion(tmp_path):
    path = _csv(tmp_path)
    cfg = _config({"input_path": str(path), "unit_col": "user_id", "variant_col": "test group",
                   "control_label": "psa", "metric_cols": ["converted"]})
    with pytest.raises(DataInputError) as err:
        sources.load(cfg)
    msg = str(err.value)
    assert "ab.csv" in msg and "'user_id'" in msg and "did you mean 'user id'?" in msg and "unit_col" in msg
    with pytest.raises(DataInputError, match=r"ab\.csv.*'convertd'.*did you mean 'converted'"):
        sources.load(_config({"input_path": str(path), "unit_col": "user id", "variant_col": "test group",
                              "control_label": "psa", "metric_cols": ["convertd"]}))


def test_flat_table_goes_through_the_shared_loader(tmp_path):
    path = _csv(tmp_path)
    data = sources.load(_config({"input_path": str(path), "unit_col": "user id", "variant_col": "test group",
                                 "control_label": "psa", "metric_cols": ["converted"]}))
    table = data.table
    assert data.source == table.source == "ab.csv" and table.rows == 4 and not data.company_world
    assert table.columns == {"unit": "user id", "variant": "test group", "metric": ["converted"]}


def test_company_roles_filled_only_without_input_path():
    company = _config()
    assert (company.pre_metric_col, company.time_col, company.consistency_col) == ("pre_conversions", "date",
                                                                                   "landing_page")
    assert list(company.segment_cols) == ["age_group", "gender", "interest", "channel"]
    assert company.planned_split == {"control": 0.5, "treatment": 0.5}
    flat = _config({"input_path": "x.csv"})
    assert (flat.pre_metric_col, flat.time_col, list(flat.segment_cols), flat.planned_split) == ("", "", [], None)
    assert sources.input_roles(company)["metric"] == ["conversions"]


def test_aa_keys_are_not_swapped():
    # five distinct rates: each key must carry its own rule's rate
    sim = AASimulation(n_sims=100, alpha=0.05, fixed=0.01, naive_peeking=0.02, sequential=0.03, obrien_fleming=0.04,
                       pocock=0.06)
    assert aa_metrics(sim, 100) == {"aa_fpr_fixed": 0.01, "aa_fpr_naive_peeking": 0.02, "aa_fpr_sequential": 0.03,
                                    "aa_sims": 100, "aa_fpr_obrien_fleming": 0.04, "aa_fpr_pocock": 0.06,
                                    "aa_mc_se": sim.mc_se}
    assert aa_metrics(None, 0) == {"aa_fpr_fixed": None, "aa_fpr_naive_peeking": None, "aa_fpr_sequential": None,
                                   "aa_sims": 0, "aa_fpr_obrien_fleming": None, "aa_fpr_pocock": None,
                                   "aa_mc_se": None}


def _tiny_analysis(aa_sims_seed: int = 3, aa_sims: int = 0) -> abtest.Result:
    # control 2 of 6 converted, treatment 4 of 6
    df = pd.DataFrame({"u": range(12), "v": ["c"] * 6 + ["t"] * 6, "y": [1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0]})
    return _run(df, "u", "v", "c", ["y"], seed=aa_sims_seed, aa_sims=aa_sims)


def test_metrics_place_the_simulated_rates_under_their_own_keys():
    a = _tiny_analysis(aa_sims=400)
    sim = a.aa
    m = a.metrics()
    assert (m["aa_fpr_fixed"], m["aa_fpr_naive_peeking"], m["aa_fpr_sequential"]) == (
        sim.fixed, sim.naive_peeking, sim.sequential)
    # the three rules differ on these draws, so a swap would change the values
    assert len({sim.fixed, sim.naive_peeking, sim.sequential}) == 3
    assert m["power_prop_test_n_3v2"] == 3826  # R: power.prop.test(p1=.03, p2=.02, power=.8) -> 3825.15
    skipped = _tiny_analysis(aa_sims=0)
    assert skipped.aa is None and analysis.aa_simulation(skipped) is None
    assert skipped.metrics()["aa_fpr_fixed"] is None and skipped.metrics()["aa_sims"] == 0


def test_bayes_counts_come_from_the_rows():
    a = _tiny_analysis()
    assert a.counts[("y", "t")] == (4, 6, 2, 6)
    assert analysis.arm_counts(arm_stats(a.data, ["y"], "v"), "y", "c", "t") == (4, 6, 2, 6)
    # Beta(5, 3) vs Beta(3, 5) with a uniform prior: P(p_t > p_c) = integral of f_T(x) F_C(x) dx = 0.856935
    # (scipy.integrate.quad); counts rebuilt wrongly (e.g. from rounded rates of another metric) would move it
    assert a.bayes[("y", "t")].prob_beat == pytest.approx(0.856934731934732, abs=1e-9)


def test_same_seed_same_metrics_bytes():
    # every stochastic part (Beta-Binomial draws, bootstrap, uplift split and LightGBM, A/A simulation) is seeded
    import json

    import numpy as np

    rng = np.random.default_rng(4)
    n = 1200
    df = pd.DataFrame({"u": range(n), "v": np.where(np.arange(n) % 2, "t", "c"), "y": rng.binomial(1, 0.3, n),
                       "revenue": rng.lognormal(2, 1, n), "seg": rng.choice(list("abc"), n)})
    def run() -> str:
        a = _run(df, "u", "v", "c", ["y", "revenue"], segment_cols=["seg"], quantiles=[0.5, 0.9], seed=9, aa_sims=200)
        return json.dumps(a.metrics(), sort_keys=True)

    first, second = run(), run()
    assert first == second and '"uplift_top_group"' in first and '"revenue_q90_diff"' in first
