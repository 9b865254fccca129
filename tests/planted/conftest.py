"""One generated world per size per test session (generation is deterministic; shared by the planted tests)."""

from pathlib import Path

import pytest

from experiments.synthetic import generate_cached


@pytest.fixture(scope="session")
def worlds_root(tmp_path_factory) -> Path:
    return tmp_path_factory.getbasetemp() / "worlds"


@pytest.fixture(scope="session")
def tiny_raw(worlds_root) -> Path:
    return generate_cached("tiny", 7, worlds_root)


@pytest.fixture(scope="session")
def small_raw(worlds_root) -> Path:
    return generate_cached("small", 11, worlds_root)


@pytest.fixture(scope="session")
def small_clean(small_raw):
    from experiments.cleaning.evaluation import clean_company

    return clean_company(small_raw, truth_dir=small_raw / "_truth")
