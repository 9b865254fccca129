"""Write small notebooks for tests (a parameters cell and a body), kernel `cil`, no outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat


def write_notebook(path: Path, params: str | None, *body: str) -> Path:
    """Write a notebook at ``path`` with an optional tagged ``params`` cell followed by ``body`` code cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "cil", "display_name": "Customer Insights Lab", "language": "python"}
    if params is not None:
        nb.cells.append(nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}))
    nb.cells.extend(nbformat.v4.new_code_cell(src) for src in body)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def make_project(root: Path, monkeypatch, notebooks: dict[str, tuple[str | None, str]], runs_yaml: str) -> Path:
    """A throwaway project at ``root`` (CIL_ROOT, data and reports inside it): ``notebooks`` maps a name to its
    (parameters cell, body) and ``runs_yaml`` is its conf/runs.yaml; returns ``root``."""
    (root / "conf" / "params").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname='demo'\n")
    for name, (params, body) in notebooks.items():
        write_notebook(root / "notebooks" / f"{name}.ipynb", params, body)
    (root / "conf" / "runs.yaml").write_text(runs_yaml)
    monkeypatch.setenv("CIL_ROOT", str(root))
    monkeypatch.setenv("CIL_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("CIL_REPORTS_DIR", str(root / "reports"))
    return root


def run_one(notebook: str, base: Path, overrides: dict, **run_kwargs) -> dict:
    """Run ``notebook`` through the runner with ``overrides`` (``-p notebook.key=value``), data and reports under
    ``base``; return its ``status``, ``error``, run ``folder``, ``metrics`` (metrics.json), ``html`` and ``record``."""
    import json

    import pytest

    from experiments.lab import runner

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CIL_DATA_DIR", str(base / "data"))
        mp.setenv("CIL_REPORTS_DIR", str(base / "reports"))
        record = runner.run([notebook], cli_overrides=[f"{notebook}.{k}={v}" for k, v in overrides.items()],
                            log=lambda _: None, **run_kwargs)
    nb = record["notebooks"][0]
    folder = base / "reports" / record["folder"]
    metrics_path = folder / notebook / "metrics.json"
    return {"status": nb["status"], "error": nb.get("error"), "folder": folder, "record": record,
            "metrics": json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {},
            "html": (folder / nb["html"]).read_text(encoding="utf-8") if nb.get("html") else ""}
