"""06's unit sample (``unit_sample_rows``): the quantile bootstrap and the uplift model read a seeded sample of the
units, stratified by variant, when there are more; every test keeps reading the sums of all units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_abtest_support import run_frame

from experiments.abtest import present
from experiments.abtest.sample import unit_sample


def _frame(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    variant = np.where(rng.random(n) < 0.3, "t", "c")  # an uneven split: the sample must keep it
    seg = rng.choice(["a", "b", "c"], n)
    revenue = rng.lognormal(2, 1, n) * (1 + 0.3 * ((variant == "t") & (seg == "a")))
    return pd.DataFrame({"u": np.arange(n), "v": variant, "seg": seg, "revenue": revenue})


def test_unit_sample_keeps_every_unit_up_to_rows_and_else_a_stratified_seeded_sample():
    df = _frame(10_001)
    assert unit_sample(df, 0, "v", 1) is df and unit_sample(df, 10_001, "v", 1) is df
    s = unit_sample(df, 2_000, "v", 1)
    assert len(s) == 2_000 and s["u"].is_unique and s.index.is_monotonic_increasing  # the frame's order
    share = (df["v"] == "t").mean()
    assert abs((s["v"] == "t").sum() - 2_000 * share) <= 1  # each arm keeps its share (largest remainders)
    assert s.equals(unit_sample(df, 2_000, "v", 1)) and not s.equals(unit_sample(df, 2_000, "v", 2))


def test_the_sample_feeds_only_quantiles_and_uplift_and_the_report_says_so():
    df = _frame(6_000)
    kw = {"quantiles": [0.5], "uplift_features": ["seg"], "seed": 4}
    full = run_frame(df, "u", "v", "c", ["revenue"], unit_sample_rows=0, **kw)
    same = run_frame(df, "u", "v", "c", ["revenue"], unit_sample_rows=6_000, **kw)
    part = run_frame(df, "u", "v", "c", ["revenue"], unit_sample_rows=3_000, **kw)
    assert full.n_unit_sample == same.n_unit_sample == 0 and part.n_unit_sample == 3_000
    assert full.metrics() == same.metrics()  # at or below unit_sample_rows nothing changes
    m_full, m_part = full.metrics(), part.metrics()
    moved = {k for k in m_full if m_full[k] != m_part[k]}
    assert moved and all("q50" in k or "uplift" in k for k in moved), sorted(moved)
    assert m_part["n_analysed"] == 6_000  # the tests still read every unit
    # the uplift model trained and tested on the sample's units only
    up = part.uplift["t"]
    assert up.n_train + up.n_test <= 3_000 < full.uplift["t"].n_train + full.uplift["t"].n_test
    said = " ".join(str(getattr(x, "data", x)) for x in present.lift_section(part) + present.uplift_section(part))
    assert "sample of 3,000 of the 6,000 analysed units" in said
    said_full = " ".join(str(getattr(x, "data", x)) for x in present.lift_section(full) + present.uplift_section(full))
    assert "unit_sample_rows" not in said_full


def test_unit_sample_rows_must_not_be_negative():
    from experiments.common.errors import ParameterError

    with pytest.raises(ParameterError, match="unit_sample_rows"):
        run_frame(_frame(500), "u", "v", "c", ["revenue"], unit_sample_rows=-1)
