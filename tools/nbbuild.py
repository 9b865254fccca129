"""Build a notebook (.ipynb, no outputs, kernel `cil`) from a list of ("md"|"code"|"params", source) cells.

Used by contributors to author notebooks as code:  ``python tools/nbbuild.py`` is not needed; import ``build``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

KERNEL = {"name": "cil", "display_name": "Customer Insights Lab", "language": "python"}


def build(cells: list[tuple[str, str]], path: str | Path) -> None:
    """Write ``cells`` as a notebook at ``path``: kind ``md`` markdown, ``code``, or ``params`` (tagged parameters)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source in cells:
        source = source.strip("\n")
        if kind == "md":
            nb.cells.append(nbformat.v4.new_markdown_cell(source))
        elif kind == "params":
            nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]}))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(source))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    nbformat.validate(nb)
    target = Path(path) if Path(path).is_absolute() else Path(__file__).resolve().parents[1] / path
    target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit("import build() from this file; see notebooks/_template.ipynb for the cell layout")
