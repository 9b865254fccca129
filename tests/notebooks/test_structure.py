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


def pair_problem(path: Path, script: Path) -> str:
    """Return why the notebook ``path`` and its py:percent twin ``script`` disagree, or '' when they agree."""
    import jupytext

    fix = f"run: .venv/bin/jupytext --sync notebooks/{path.name}"
    if not script.is_file():
        return f"{path.name} has no paired {script.name}; {fix}"
    cells = [(c.cell_type, c.source.strip()) for c in nbformat.read(path, as_version=4).cells]
    paired = [(c.cell_type, c.source.strip()) for c in jupytext.read(script).cells]
    differ = [i for i, (a, b) in enumerate(zip(cells, paired, strict=False)) if a != b]
    if len(cells) == len(paired) and not differ:
        return ""
    return (f"{path.name} and {script.name} disagree (cells {differ[:5] or 'count'}): {fix} "
            "(it keeps the newer of the two)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_and_its_paired_script_agree(path: Path) -> None:
    """Each .ipynb has a py:percent twin (notebooks/jupytext.toml) with the same cells; an edit of one without
    syncing the other fails here, saying how to fix it."""
    assert pair_problem(path, path.with_suffix(".py")) == ""


def test_pairing_is_configured_and_no_builder_is_left() -> None:
    config_text = (paths.notebooks_dir() / "jupytext.toml").read_text(encoding="utf-8")
    assert 'formats = "ipynb,py:percent"' in config_text
    root = paths.project_root()
    assert list((root / "tools").glob("build_*.py")) == [] and not (root / "tools" / "nbbuild.py").exists()
    assert "*.ipynb filter=nbstripout" in (root / ".gitattributes").read_text(encoding="utf-8")


def test_a_drifted_pair_is_detected(tmp_path: Path) -> None:
    """The check above is not vacuous: a copy of a notebook edited without syncing fails the same check."""
    src = paths.notebooks_dir() / "_template.ipynb"
    nb = nbformat.read(src, as_version=4)
    nb.cells[-1].source += "\nprint('edited in JupyterLab, not synced')"
    edited = tmp_path / src.name
    nbformat.write(nb, edited)
    assert pair_problem(src, src.with_suffix(".py")) == ""
    assert "disagree (cells [" in pair_problem(edited, src.with_suffix(".py"))
    assert "has no paired" in pair_problem(edited, tmp_path / "missing.py")
