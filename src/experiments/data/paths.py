"""Where things live. Every path is anchored at the project root, never at the current directory.

Environment overrides (used by tests and by users with data elsewhere):
- ``CIL_ROOT``: the project root (default: the folder holding ``pyproject.toml`` above this file).
- ``CIL_DATA_DIR``: the data folder holding ``raw/``, ``interim/`` and ``processed/`` (default ``<root>/data``).
- ``CIL_REPORTS_DIR``: where runs are published (default ``<root>/reports``).
- ``CIL_DATASETS``: the public datasets folder (default ``<root>/../shared/datasets``).
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Return the project root: ``$CIL_ROOT`` or the first parent of this file holding ``pyproject.toml``."""
    env = os.environ.get("CIL_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    raise RuntimeError(f"cannot find the project root above {here}; set CIL_ROOT")


def data_dir() -> Path:
    """Return the data folder (``$CIL_DATA_DIR`` or ``<root>/data``)."""
    env = os.environ.get("CIL_DATA_DIR")
    return Path(env).resolve() if env else project_root() / "data"


def raw_dir() -> Path:
    """Immutable raw sources (the generated company writes here)."""
    return data_dir() / "raw"


def truth_dir() -> Path:
    """The generator's planted truth, beside the raw sources it explains."""
    return raw_dir() / "_truth"


def interim_dir() -> Path:
    """Intermediate tables between raw and processed."""
    return data_dir() / "interim"


def processed_dir() -> Path:
    """The contract tables (Parquet) that the analysis notebooks read."""
    return data_dir() / "processed"


def reports_dir() -> Path:
    """Published runs and ``index.html`` (``$CIL_REPORTS_DIR`` or ``<root>/reports``)."""
    env = os.environ.get("CIL_REPORTS_DIR")
    return Path(env).resolve() if env else project_root() / "reports"


def notebooks_dir() -> Path:
    """The scheduled notebooks (``NN_topic.ipynb``)."""
    return project_root() / "notebooks"


def conf_dir() -> Path:
    """Catalog, per-notebook parameters and run definitions."""
    return project_root() / "conf"


def datasets_dir() -> Path:
    """The public datasets (``$CIL_DATASETS`` or ``<root>/../shared/datasets``); may not exist."""
    env = os.environ.get("CIL_DATASETS")
    return Path(env).resolve() if env else (project_root().parent / "shared" / "datasets").resolve()


def resolve(path: str | os.PathLike[str]) -> Path:
    """Resolve a user-given path: absolute as is, relative to the project root otherwise."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else project_root() / p
