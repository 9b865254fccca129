"""``run_frame``: notebook 06 on an in-memory frame with the notebook's own parameters, shared by the 06 unit tests
(imported as ``from test_abtest_support import run_frame``), and the check that it adds no default of its own."""

from __future__ import annotations

import pandas as pd

from experiments import abtest
from experiments.abtest import sources
from experiments.lab.config import notebook_parameters


def frame_parameters(unit: str, variant: str, control: str, metric_cols: list, **overrides) -> dict:
    """The parameters a run on a flat table gets: the notebook's cell and conf base, then these roles, no
    simulations (``aa_sims`` 0) unless ``overrides`` ask for them."""
    return notebook_parameters("06_ad_ab_analysis", None, {"input_path": "in-memory.csv", "unit_col": unit,
                                                           "variant_col": variant, "control_label": control,
                                                           "metric_cols": list(metric_cols), "aa_sims": 0}
                               | overrides)


def run_frame(frame: pd.DataFrame, unit: str, variant: str, control: str, metric_cols: list,
              **overrides) -> abtest.Result:
    """``abtest.run`` on ``frame`` (one row per unit) with ``frame_parameters``."""
    params = frame_parameters(unit, variant, control, metric_cols, **overrides)
    return abtest.run(abtest.Config.from_parameters(params), sources.from_frame(frame))


def test_run_frame_uses_the_notebooks_defaults() -> None:
    cfg = abtest.Config.from_parameters(frame_parameters("u", "v", "c", ["y"], seed=5))
    defaults = notebook_parameters("06_ad_ab_analysis")
    assert (cfg.alpha, cfg.quantiles, cfg.sequential_method) == (defaults["alpha"], tuple(defaults["quantiles"]),
                                                                 defaults["sequential_method"])
    assert (cfg.seed, cfg.aa_sims, cfg.unit_col, cfg.planned_split) == (5, 0, "u", None)
