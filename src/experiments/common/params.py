"""Reading a notebook's parameters into an analysis ``Config``: no defaults here.

Every default lives in the notebook's ``parameters`` cell (profiles in ``conf/params``) and every range rule in
``conf/runs.yaml`` (``checks:``), which the runner applies before a notebook starts. A ``Config`` therefore reads each
key it needs with ``need`` and fails loudly when a key is missing: a caller (a test, a benchmark) passes the notebook's
own parameters, read with ``lab.config.notebook_defaults``, and overrides only what it means to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from experiments.common.errors import ParameterError


def need(params: Mapping[str, Any], key: str, notebook: str = "") -> Any:
    """Return ``params[key]``; raise ``ParameterError`` naming the notebook and key when it is absent."""
    if key not in params:
        where = f"{notebook}: " if notebook else ""
        raise ParameterError(f"{where}parameter {key!r} is missing; configs have no defaults of their own: pass the "
                             "notebook's parameters (lab.config.notebook_defaults) with your overrides")
    return params[key]


def text(params: Mapping[str, Any], key: str, notebook: str = "") -> str:
    """Return the parameter as stripped text ('' for None)."""
    value = need(params, key, notebook)
    return "" if value is None else str(value).strip()


def optional_float(params: Mapping[str, Any], key: str, notebook: str = "") -> float | None:
    """Return the parameter as a float, or None when it is None or ''."""
    value = need(params, key, notebook)
    return None if value is None or value == "" else float(value)
