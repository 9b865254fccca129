"""The verdict rests on the CUPED-adjusted estimate when a pre-period metric is given (Deng et al. 2013)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from test_abtest_support import run_frame as _run

from experiments.abtest.frequentist import adjust_pvalues


def _frame(n: int = 4000, lift: float = 0.15, seed: int = 3) -> pd.DataFrame:
    # y = pre + noise: the pre-period explains most of the variance, so CUPED removes it and keeps the lift
    rng = np.random.default_rng(seed)
    pre = rng.normal(10, 3, n)
    treat = rng.random(n) < 0.5
    y = pre + rng.normal(0, 1, n) + np.where(treat, lift, 0.0)
    return pd.DataFrame({"unit": np.arange(n), "variant": np.where(treat, "B", "A"), "y": y, "pre": pre,
                         "guard": rng.normal(0, 1, n)})


def test_decision_uses_cuped_when_a_pre_metric_is_given() -> None:
    df = _frame()
    raw = _run(df, "unit", "variant", "A", ["y", "guard"])
    adj = _run(df, "unit", "variant", "A", ["y", "guard"], pre_metric_col="pre")
    m_raw, m_adj = raw.metrics(), adj.metrics()
    assert m_raw["verdict_basis"] == "raw" and m_adj["verdict_basis"] == "cuped"
    # raw: se = 3.16 * sqrt(2 / 2000) = 0.10, z ~ 1.5; CUPED: se = 1 * sqrt(2 / 2000) = 0.032, z ~ 4.7
    assert m_raw["verdict"] != "ship" and m_adj["verdict"] == "ship"
    assert "CUPED-adjusted" in m_adj["verdict_headline"]
    # the interface keys stay the raw comparison; CUPED has its own keys
    assert m_adj["y_p_value"] == m_raw["y_p_value"] and m_adj["cuped_p_value"] < m_adj["y_p_value"]
    # Holm over the family {y (CUPED), guard}: the adjusted p of y is min(1, 2 * p) when it is the smaller one
    expected = adjust_pvalues([m_adj["cuped_p_value"], m_adj["guard_p_value"]], "holm")[0]
    assert f"p = {expected:.2g}" in m_adj["verdict_headline"]
