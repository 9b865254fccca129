"""The value, behaviour, lifecycle and needs rules at and around each threshold."""

import numpy as np
import pandas as pd
import pytest

from experiments import segments
from experiments.lab.config import notebook_parameters
from experiments.segments import tiers


def _rules(**overrides) -> tiers.TierRules:
    """The rules of the notebook's own parameters (its parameters cell is the one place of the defaults)."""
    return segments.Config.from_parameters(notebook_parameters("02_customer_segmentation", None, overrides)).rules


RULES = _rules()


def test_value_tiers_by_clv_rank_and_potential():
    # ten buyers with CLV 10..1 and one prospect; high = top 20% (2), medium = next 30% (3); of the other five the
    # young ones (<= 2 purchases) with P(alive) >= 0.5 are potential
    idx = [f"c{i}" for i in range(10)] + ["p"]
    clv = pd.Series([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], index=idx, dtype=float)
    alive = pd.Series([1, 1, 1, 1, 1, 0.9, 0.4, 0.5, 0.9, 0.9, np.nan], index=idx)
    n = pd.Series([5, 5, 5, 5, 5, 2, 2, 1, 3, 1, 0], index=idx)
    got = tiers.value_tier(clv, alive, n, RULES)
    assert got.tolist() == ["high"] * 2 + ["medium"] * 3 + ["potential", "low", "potential", "low", "potential",
                                                             "potential"]


def test_value_ties_are_split_by_customer_id_deterministically():
    clv = pd.Series([5.0] * 10, index=[f"c{i}" for i in range(10)][::-1])
    got = tiers.value_tier(clv, pd.Series(1.0, index=clv.index), pd.Series(3, index=clv.index), RULES)
    assert got[got == "high"].index.tolist() == ["c1", "c0"]


def test_behaviour_boundaries():
    r = pd.Series([0, 90, 91, 180, 181, np.nan])
    assert tiers.behaviour(r, RULES).tolist() == ["active", "active", "silent", "silent", "churned", "prospect"]


def test_lifecycle_boundaries():
    tenure = pd.Series([90, 91, 400, 400, 400, 400, 400, np.nan])
    recent = pd.Series([1, 5, 5, 4, 2, 1, 0, 0])
    prev = pd.Series([0, 4, 3, 4, 4, 4, 0, 0])
    # 90 days old -> new; 5 > 1.25*4 = 5? no -> mature; 5 > 3.75 -> growing; 4 vs 4 -> mature;
    # 2 < 0.5*4 = 2? no -> mature; 1 < 2 -> declining; nothing in either window -> declining; NaN -> prospect
    assert tiers.lifecycle(tenure, recent, prev, RULES).tolist() == [
        "new", "mature", "growing", "mature", "mature", "declining", "declining", "prospect"]


def test_needs_pick_the_strongest_signal_over_its_threshold():
    prof = pd.DataFrame({
        "discount_share": [0.6, 0.1, 0.1, 0.31, 0.9, 0.0],
        "price_level": [0.5, 0.9, 0.5, 0.65, 0.9, np.nan],
        "contacts_per_order": [0.0, 0.1, 0.5, 0.0, 0.0, np.nan],
        "n_orders": [3, 3, 3, 3, 1, 0],
    })
    # row 3: 0.31/0.3 = 1.033 beats 0.65/0.65 = 1.0; row 4 has one order only; row 5 never bought
    assert tiers.needs(prof, _rules(need_discount_share=0.3)).tolist() == [
        "price-sensitive", "quality-seeking", "service-dependent", "price-sensitive", "unclear", "unclear"]
    weak = prof.assign(discount_share=0.1, price_level=0.5, contacts_per_order=0.1)
    assert set(tiers.needs(weak, RULES)) == {"unclear"}


@pytest.mark.parametrize("bad", [dict(value_high_share=0.8, value_medium_share=0.3), dict(active_days=200)])
def test_contradicting_thresholds_are_refused(bad):
    with pytest.raises(ValueError):
        tiers.TierRules(**(RULES.__dict__ | bad))


@pytest.mark.parametrize("bad", [dict(growth_ratio=0.9), dict(need_price_level=0.0), dict(value_high_share=0),
                                 dict(decline_ratio=1.5), dict(pareto_max_customers=0)])
def test_single_threshold_ranges_stop_before_the_notebook_starts(bad):
    # conf/runs.yaml checks, applied as the runner applies them (notebook_parameters range-checks its overrides)
    from experiments.common.errors import ParameterError

    with pytest.raises(ParameterError, match=next(iter(bad))):
        notebook_parameters("02_customer_segmentation", None, bad)
