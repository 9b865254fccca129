"""Every committed notebook: stripped of outputs, kernel `cil`, one parseable parameters cell with output_dir/seed,
listed in conf/runs.yaml (except the template), and a last cell that writes metrics.json."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from experiments.data import paths
from experiments.lab import config

NOTEBOOKS = sorted(paths.notebooks_dir().glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert dirty == [], f"{path.name}: cells {dirty} have outputs; strip them (reports are generated)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernel_and_parameters(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "cil"
    defaults = config.notebook_defaults(path)  # exactly one parameters cell, every line parseable
    assert {"output_dir", "seed"} <= set(defaults)
    assert defaults["output_dir"] == ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_last_cell_writes_metrics(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[-1].cell_type == "code" and "run.finish(" in nb.cells[-1].source
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


def test_every_analysis_notebook_is_scheduled() -> None:
    scheduled = set(config.load_runs())
    present = {p.stem for p in NOTEBOOKS if not p.stem.startswith("_")}
    assert present == scheduled
