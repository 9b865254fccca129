"""04's Config: built from the notebook's own parameters (no defaults of its own), range rules in conf/runs.yaml, and
the world-size profiles' dates equal to the generator's."""

from __future__ import annotations

import pytest

from experiments.churn import Config
from experiments.common.errors import ParameterError
from experiments.lab import config as lab_config
from experiments.lab.config import notebook_parameters
from experiments.synthetic import sizes

NB = "04_churn_prediction"


def test_config_reads_the_notebook_parameters_and_profiles() -> None:
    cfg = Config.from_parameters(notebook_parameters(NB))
    assert cfg.is_company_world and cfg.campaign_cost == 100.0 and cfg.tier_cuts == (0.3, 0.6)
    telco = Config.from_parameters(notebook_parameters(NB, "telco"))
    assert not telco.is_company_world and telco.campaign_cost == 50.0 and telco.positive_label == "Yes"
    assert Config.from_parameters(notebook_parameters(NB, "tiny", {"seed": 3})).seed == 3
    bad = notebook_parameters(NB) | {"tier_cuts": [0.3]}
    with pytest.raises(ParameterError, match="tier_cuts"):
        Config.from_parameters(bad)
    missing = dict(notebook_parameters(NB))
    missing.pop("campaign_cost")
    with pytest.raises(ParameterError, match="campaign_cost"):
        Config.from_parameters(missing)


@pytest.mark.parametrize("profile", ["tiny", "small", "medium", "large"])
def test_world_size_profiles_carry_the_generated_worlds_dates(profile) -> None:
    p = notebook_parameters(NB, profile)
    assert p["snapshot_date"] == f"{sizes.REFERENCE_DATE:%Y-%m-%d}" and p["score_date"] == f"{sizes.AS_OF:%Y-%m-%d}"
    assert p["label_days"] == sizes.LABEL_DAYS


@pytest.mark.parametrize("key,value", [("campaign_cost", -1.0), ("campaign_success_rate", 0.0),
                                       ("test_fraction", 0.95), ("max_contacts", -5), ("n_boot", 10),
                                       ("snapshot_date", "31/03/2025")])
def test_range_rules_in_runs_yaml_stop_bad_values(key, value) -> None:
    with pytest.raises(ParameterError, match=key):
        notebook_parameters(NB, None, {key: value})
    assert key in dict(lab_config.load_runs()[NB].checks)  # the rule lives in conf/runs.yaml, not in the Config
