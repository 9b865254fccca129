"""Shared fixtures: one tiny synthetic company per test session (per xdist worker), and env isolation."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate the tiny company once, clean it into processed/, and return its data folder.

    The folder holds raw/ (with raw/_truth/) and processed/ (the contract tables written by the cleaning pipeline,
    as notebooks/01_data_cleaning writes them), so analysis notebooks can run without running 01 first.
    """
    from experiments import synthetic
    from experiments.cleaning.evaluation import clean_company
    from experiments.cleaning.result import write_outputs

    data = tmp_path_factory.mktemp("tiny-world") / "data"
    synthetic.generate(data / "raw", size="tiny", seed=7)
    result = clean_company(data / "raw")
    write_outputs(result.tables, data / "processed", result.lineage, result.quarantine)
    return data


@pytest.fixture
def world_env(tiny_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point CIL_DATA_DIR at a copy of the tiny world and CIL_REPORTS_DIR at a fresh folder (kernels inherit both).

    A copy (about 3 MB), because notebooks publish their outputs into the data folder: the session's tiny world
    stays exactly what cleaning wrote for every other test in the worker.
    """
    data = tmp_path / "data"
    shutil.copytree(tiny_world, data, symlinks=True)
    monkeypatch.setenv("CIL_DATA_DIR", str(data))
    reports = tmp_path / "reports"
    monkeypatch.setenv("CIL_REPORTS_DIR", str(reports))
    return reports


#: Test folders and modules that run notebooks, build worlds of size small, or start browsers: the `slow` ones that
#: `make test-fast` leaves out (`make test` runs everything).
SLOW_FOLDERS = ("planted", "realdata", "browser", "bench")
SLOW_MODULES = ("flat_notebook", "_runner", "through_the_runner", "test_smoke", "test_hostile_", "_company",
                "test_front_page", "test_environment")


def pytest_collection_modifyitems(config, items) -> None:  # noqa: ARG001
    """Mark as slow every test in ``SLOW_FOLDERS``, in a module whose name has one of ``SLOW_MODULES``, or that
    simulates many experiments."""
    import pytest

    for item in items:
        path = Path(str(item.fspath))
        if path.parent.name in SLOW_FOLDERS or any(part in path.stem for part in SLOW_MODULES) \
                or "over_many_experiments" in item.name:
            item.add_marker(pytest.mark.slow)
