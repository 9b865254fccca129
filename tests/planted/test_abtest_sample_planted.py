"""06's unit sample keeps the planted uplift: on the small ad_events of seeds 7, 11 and 42 (about 80,000 units of
exp_cvr_lift), the uplift model and the quantiles reading a 50,000-unit sample (``unit_sample_rows``) still name the
planted group, and every test reads all units (the same lift, p-value and counts as without a sample)."""

from __future__ import annotations

import pytest

from experiments import abtest
from experiments.abtest import sources
from experiments.lab.config import notebook_parameters
from experiments.synthetic import SIZES
from experiments.synthetic.ads import make_ad_events

SAMPLE = 50_000


@pytest.mark.slow
@pytest.mark.parametrize("seed", (7, 11, 42))
def test_a_unit_sample_still_finds_the_planted_uplift_group(seed):
    events, truth = make_ad_events(SIZES["small"].exp_units, seed)
    sub = events[events["experiment_id"] == "exp_cvr_lift"].reset_index(drop=True)
    sub["converted"] = (sub["conversions"] > 0).astype(int)
    runs = {}
    for rows in (0, SAMPLE):
        cfg = abtest.Config.from_parameters(notebook_parameters(
            "06_ad_ab_analysis", None, {"aa_sims": 0, "experiment_id": "exp_cvr_lift", "unit_sample_rows": rows}))
        runs[rows] = abtest.run(cfg, sources.from_frame(sub, "exp_cvr_lift"))
    full, part = runs[0].metrics(), runs[SAMPLE].metrics()
    assert runs[SAMPLE].n_unit_sample == SAMPLE < full["n_analysed"]
    for key in ("n_analysed", "n_control", "n_treatment", "verdict", "verdict_rel_lift", "verdict_p_value",
                "srm_p_value"):
        assert part[key] == full[key], key
    group = truth["exp_cvr_lift"]["uplift_group"]
    assert part["uplift_top_group"] == f"{group['column']}={group['value']}"
    assert part["uplift_top_group_share"] > 3 * group["planned_share"]
    assert part["uplift_top_group_base_share"] == pytest.approx(group["planned_share"], abs=0.02)
    # not asserted: the Qini interval's lower end above 0. With 50,000 of ~80,000 units it covers 0 on seeds 7 and
    # 11 (measured 20:41): a sample buys speed with the ranking's evidence, which is why the default sample
    # (100,000) is no smaller than the small world's whole experiment; at large (199,100 units) seed 42 keeps it
    # above 0 (0.0039)
