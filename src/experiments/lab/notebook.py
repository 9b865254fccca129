"""What every notebook does first and last: print the run info, fix the seed, and write metrics.json.

A notebook's first cell after ``parameters``::

    run = notebook.start("06_ad_ab_analysis", globals())

reads the parameter names from the notebook's own ``parameters`` cell, takes their values (as papermill injected
them) from the notebook's namespace, and prints the effective parameters, seed, data fingerprint, library versions
and git revision; ``run.add_input(table)`` records what the input loader read. The last cell::

    run.finish(metrics)

writes ``metrics.json`` into the run folder the runner gave (``output_dir``) or ``reports/_scratch/<name>`` when
the notebook runs by hand in JupyterLab.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import random
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from experiments.common.files import fingerprint as fingerprint  # re-exported: its old home
from experiments.data import paths
from experiments.lab.metrics import write_metrics

LIBRARIES = ("pandas", "numpy", "scikit-learn", "statsmodels", "lightgbm", "implicit", "bertopic", "papermill")


def git_revision() -> str:
    """Return the short git revision of the project (with ``+dirty`` for uncommitted changes), or ``unknown``.

    Filters are switched off for the dirty check (``filter.<name>.clean=cat`` for every filter .gitattributes
    names): on the first run after a clone, ``git status`` would run nbstripout over every notebook and pass the
    time limit, and every report would say "unknown". A notebook saved with outputs then reads as changed, which
    it is.
    """
    try:
        root = paths.project_root()
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                             timeout=5).stdout.strip()
        if not rev:
            return "unknown"
        no_filters = [arg for name in _filter_names(root) for arg in ("-c", f"filter.{name}.clean=cat",
                                                                      "-c", f"filter.{name}.required=false")]
        dirty = subprocess.run(["git", *no_filters, "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError, RuntimeError):
        return "unknown"


def _filter_names(root: Path) -> list[str]:
    """The ``filter=<name>`` attributes of the project's .gitattributes (nbstripout)."""
    attrs = root / ".gitattributes"
    text = attrs.read_text(encoding="utf-8") if attrs.is_file() else ""
    return sorted(set(re.findall(r"\bfilter=([A-Za-z0-9_.-]+)", text)))


def library_versions(names: Iterable[str] = LIBRARIES) -> dict[str, str]:
    """Return installed versions of ``names`` (``missing`` for absent ones)."""
    out = {}
    for name in names:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "missing"
    return out


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python's and numpy's global generators and return a fresh ``numpy.random.Generator``."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    return np.random.default_rng(seed)


@dataclass
class NotebookRun:
    """The context of one notebook execution: its name, folder, parameters and the random generator."""

    name: str
    output_dir: Path
    params: dict[str, Any]
    seed: int
    rng: np.random.Generator
    info: dict[str, Any] = field(default_factory=dict)

    def path(self, filename: str) -> Path:
        """Return a path inside the run folder (for figures or tables the notebook saves)."""
        return self.output_dir / filename

    def add_input(self, table: Any) -> None:
        """Record an ``inputs.InputTable`` (source, rows, fingerprint, encoding) in ``info["inputs"]``; ``finish``
        prints it in the report's appendix (the first screen keeps the one provenance line ``start`` printed)."""
        self.info.setdefault("inputs", []).append(table.info())

    def details(self) -> str:
        """Return the inputs read, the effective parameters (JSON) and the library versions, for the appendix."""
        versions = ", ".join(f"{k} {v}" for k, v in self.info.get("versions", {}).items())
        inputs = [f"Input: {i['source']} · {i['rows']:,} rows · {i['columns']} columns · fingerprint "
                  f"{i['fingerprint']}" + (f" · encoding {i['encoding']}" if i.get("encoding") else "")
                  for i in self.info.get("inputs", [])]
        return "\n".join([*inputs, f"Parameters: {json.dumps(self.params, ensure_ascii=False, default=str)}",
                          f"Libraries: {versions}"])

    def finish(self, metrics: Mapping[str, Any]) -> Path:
        """Write metrics.json (flat: numbers, strings, lists of strings) into the run folder and return its path.

        Prints the parameters and library versions first (``details``), so every report ends with them while its
        first screen keeps the one run-info line ``start`` printed.
        """
        path = write_metrics(metrics, self.output_dir)
        print(self.details())
        print(f"metrics.json: {len(metrics)} keys written")
        return path


def parameter_names(name: str) -> list[str]:
    """Return the names assigned in ``notebooks/<name>.ipynb``'s ``parameters`` cell, in order."""
    from experiments.lab.config import notebook_defaults

    path = paths.notebooks_dir() / f"{name}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"notebook.start({name!r}, globals()): {path} does not exist; pass the notebook's own "
                                "file name (without .ipynb), which is where its parameters cell is read from")
    return list(notebook_defaults(path))


def readable_number(value: float) -> str:
    """Format a float for a report table: ``6,685`` and ``4,131,306`` from 1,000 up (no trailing ``.0``), four
    significant digits below (``15.3``, ``0.0751``, ``1.2e-50``), ``nan`` as is."""
    if value != value:  # NaN
        return "nan"
    if abs(value) >= 1000 and abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.4g}"


#: How a missing value reads in a report table (a dash, not NaN or None).
MISSING = "–"


def table_html(df: Any) -> str:
    """HTML of a DataFrame for a report: no 0..n index column (a default RangeIndex says nothing to a reader),
    missing values as a dash, text escaped, pandas' display limits kept; a wide table scrolls inside the page."""
    import pandas as pd

    hide = isinstance(df.index, pd.RangeIndex) and df.index.name is None
    body = df.to_html(index=not hide, na_rep=MISSING, escape=True, border=0,
                      max_rows=pd.get_option("display.max_rows"), max_cols=pd.get_option("display.max_columns"),
                      show_dimensions=len(df) > (pd.get_option("display.max_rows") or len(df)))
    return f'<div class="scroll">{body}</div>'


def _display_tables_for_readers() -> None:
    """Make ``display(df)`` in this kernel render ``table_html`` (no effect outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    import pandas as pd

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)


def start(name: str, params: Mapping[str, Any], output_dir: str | None = None, seed: int | None = None,
          data: Iterable[str | os.PathLike[str]] = ()) -> NotebookRun:
    """Start a notebook run: resolve the run folder, seed the generators and print one run-info line (the
    parameters and library versions are printed by ``finish``, at the end of the report).

    ``params`` is the notebook's namespace (``globals()``): the parameters are the names of the notebook's
    ``parameters`` cell, read from the notebook file, with their current values. A plain dict of parameters (no
    ``__name__`` key) is taken as is. ``output_dir`` and ``seed`` default to the parameters of those names.
    ``data`` lists the files or folders the notebook reads; their fingerprint is printed and kept in ``run.info``.
    """
    if "__name__" in params:  # a namespace: pick the declared parameters
        params = {k: params[k] for k in parameter_names(name) if k in params}
    params = dict(params)
    output_dir = params.get("output_dir", "") if output_dir is None else output_dir
    seed = int(params.get("seed", 42) if seed is None else seed)
    params.pop("output_dir", None)
    out = Path(output_dir) if output_dir else paths.reports_dir() / "_scratch" / name
    out.mkdir(parents=True, exist_ok=True)
    rng = seed_everything(int(seed))
    import pandas as pd

    pd.set_option("display.float_format", readable_number)  # tables read as numbers, not 4131306.0
    _display_tables_for_readers()
    import experiments.lab.chart_style  # noqa: F401  CJK glyphs, and data labels drawn literally (no mathtext)
    info = {
        "notebook": name,
        "seed": int(seed),
        "data_fingerprint": fingerprint(data),
        "git_revision": git_revision(),
        "versions": library_versions(),
    }
    from experiments.data import processed

    link = paths.processed_dir()
    if link.is_symlink():  # pin the processed version every read of this notebook uses
        info["processed_version"] = processed.current_dir(link).name
    data_part = f" · data {info['data_fingerprint']}" if info["data_fingerprint"] != "no-data" else ""
    if info.get("processed_version"):
        data_part += f" · processed tables {info['processed_version']}"
    print(f"Run info: {name} · seed {seed}{data_part} · code {info['git_revision']} "
          "(parameters and library versions at the end)")
    return NotebookRun(name=name, output_dir=out, params=dict(params), seed=int(seed), rng=rng, info=info)
