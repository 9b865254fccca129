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
