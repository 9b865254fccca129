"""Issue 23: splink's name block is a parameter (er_name_block): the name key alone up to size large, the name key
and the city at xlarge, where pairs sharing a Faker name grow with the square of the persons."""

import pytest

from experiments.cleaning.entity_resolution import NAME_BLOCKS, _settings
from experiments.lab.config import notebook_parameters


def _rules(name_block: str) -> list[str]:
    settings = _settings((0.92, 0.8), name_block=name_block).get_settings("duckdb").as_dict()
    return [r["blocking_rule"] for r in settings["blocking_rules_to_generate_predictions"]]


def test_name_block_sets_the_third_blocking_rule() -> None:
    name, name_city = _rules("name"), _rules("name_city")
    assert name[:2] == name_city[:2] == ['l."phone" = r."phone"', 'l."email" = r."email"']
    assert name[2] == 'l."name_key" = r."name_key"'
    assert "name_key" in name_city[2] and 'l."city" = r."city"' in name_city[2]
    assert set(NAME_BLOCKS) == {"name", "name_city"}


@pytest.mark.parametrize(("profile", "block"), [("tiny", "name"), ("small", "name"), ("medium", "name"),
                                                ("large", "name"), ("xlarge", "name_city")])
def test_world_profiles_choose_the_name_block(profile: str, block: str) -> None:
    params = notebook_parameters("01_data_cleaning", profile, {})
    assert params["er_name_block"] == block
    assert params["as_of"] == "2025-07-01"  # xlarge keeps the world's today next to its own block


def test_an_unknown_name_block_is_refused() -> None:
    from experiments.common.errors import ParameterError

    with pytest.raises(ParameterError, match="er_name_block"):
        notebook_parameters("01_data_cleaning", "tiny", {"er_name_block": "street"})
