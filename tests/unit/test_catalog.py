"""conf/catalog.yaml: one place that says where each dataset is and how its columns map, checked against the
generator's files, the notebooks' conf profiles and (when present) the real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments import synthetic
from experiments.cleaning.sources import company_sources, read_source
from experiments.data import catalog, paths
from experiments.data.tables import DataInputError
from experiments.lab import config


def test_company_sources_are_exactly_the_generated_raw_files() -> None:
    files = sorted(cfg.file for cfg in company_sources().values())
    assert files == sorted(synthetic.raw_files()) and len(files) == 12
    assert {cfg.kind for cfg in company_sources().values()} == {"person", "orders", "items", "feedback", "ad_events",
                                                                    "service", "campaign", "prospects"}


def test_company_sources_read_from_a_generated_world(tiny_world: Path) -> None:
    for cfg in company_sources().values():
        df = read_source(tiny_world / "raw", cfg)  # every mapped column exists in the generated file
        assert len(df) > 0, cfg.name


def test_public_dataset_entries_agree_with_the_conf_profiles() -> None:
    checked = 0
    for entry in catalog.load_catalog().values():
        target = entry.options.get("profile")
        if not target:
            continue
        notebook, profile = target.split(":")
        params = config.load_yaml(paths.conf_dir() / "params" / f"{notebook}.yaml")["profiles"][profile]
        assert paths.resolve(params["input_path"]).resolve() == entry.resolve().resolve(), entry.name
        for role, column in entry.columns.items():
            if f"{role}_col" in params:
                assert params[f"{role}_col"] == column, (entry.name, role)
        checked += 1
    assert checked >= 3


def test_templates_resolve_against_the_data_and_datasets_folders(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    monkeypatch.setenv("CIL_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("CIL_DATASETS", str(tmp_path / "s"))
    assert catalog.entry("crm").resolve() == tmp_path / "d" / "raw" / "crm_customers.csv"
    assert catalog.entry("marketing_ab").resolve() == tmp_path / "s" / "ad_ab" / "marketing_AB_sample.csv"


def test_bad_catalogs_and_names_are_errors(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text("datasets:\n  x: {path: a.csv, colums: {}}\n")
    with pytest.raises(DataInputError, match="dataset 'x' needs a 'path' and may only have"):
        catalog.load_catalog(bad)
    with pytest.raises(DataInputError, match="no dataset 'nope'; known: crm"):
        catalog.entry("nope")


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["online_retail_csv", "online_retail_xlsx", "marketing_ab", "kag_conversion"])
def test_real_dataset_entries_read_with_their_mapped_columns(name: str) -> None:
    entry = catalog.entry(name)
    if not entry.resolve().is_file():
        pytest.skip(f"{entry.resolve()} absent (set CIL_DATASETS to the shared datasets folder)")
    df = entry.read()
    assert set(entry.columns.values()) <= set(df.columns), name
