"""09's config reads the notebook's parameters with no defaults of its own; the campaign cleaning quarantines with
reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from experiments.cleaning.campaigns import clean_campaigns, ref_map
from experiments.common.errors import ParameterError
from experiments.lab.config import notebook_parameters
from experiments.nba import Config


def test_config_from_the_notebook_and_its_starbucks_profile() -> None:
    cfg = Config.from_parameters(notebook_parameters("09_next_best_action", "starbucks", {}))
    assert cfg.cost_per_arm == {"Yes": 0.15} and cfg.feature_cols == tuple(f"V{i}" for i in range(1, 8))
    assert not cfg.is_company_world and cfg.outcome_value == 10.0
    params = notebook_parameters("09_next_best_action", "small", {"cost_per_arm": {"coupon": 3}})
    assert Config.from_parameters(params).cost_per_arm == {"coupon": 3.0}
    assert Config.from_parameters(params | {"cost_per_arm": '{"coupon": 2}'}).cost_per_arm == {"coupon": 2.0}
    with pytest.raises(ParameterError, match="cost_per_arm"):
        Config.from_parameters(params | {"cost_per_arm": "[1, 2]"})
    del params["budget"]
    with pytest.raises(ParameterError, match="budget"):
        Config.from_parameters(params)


def test_campaign_cleaning_quarantines_with_reasons() -> None:
    customers = pd.DataFrame({"customer_id": ["K1", "K2"], "source_ids": ["C1|U1", "U2"]})
    raw = pd.DataFrame({"send_id": ["S1", "S1", "S2", "S3", "S4", "S5", "S6"],
                        "customer_ref": ["U1", "U1", "X9", "U2", "C1", "U2", "U2"],
                        "arm": ["coupon", "coupon", "control", "", "control", "control", "coupon"],
                        "sent_at": ["14/02/2025 10:00"] * 5 + ["not a date", "14/02/2025 11:00"],
                        "cost": ["15", "15", "0", "0", "0", "0", "-1"], "spend_30d": ["10", "10", "5", "1", "2",
                                                                                       "3", "4"]})
    cols = {c: c for c in raw.columns}
    kept, q = clean_campaigns(raw, cols, ref_map(customers))
    assert list(kept["send_id"]) == ["S1"]
    assert dict(zip(q["send_id"], q["reason"], strict=True)) == {"S1": "duplicate_send", "S2": "unknown_customer",
                                                          "S3": "missing_arm", "S4": "customer_sent_twice",
                                                          "S5": "bad_sent_at", "S6": "bad_cost"}
    assert kept.loc[0, "customer_id"] == "K1" and str(kept.loc[0, "sent_at"]) == "2025-02-14 02:00:00+00:00"
