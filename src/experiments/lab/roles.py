"""The one vocabulary of column roles (conf/roles.yaml), old parameter names kept working, and the mapping
``python -m experiments inspect FILE [NOTEBOOK]`` proposes for a user's table.

- ``roles()``: ``{parameter: Role}`` from conf/roles.yaml; every notebook's ``*_col`` parameter is one of them
  (tests/unit/test_roles.py).
- ``reading()``: the reading parameters (input_encoding, input_sheet, input_sep, input_header, date_order,
  date_format) every notebook reading a file or a time has, with their one default and meaning.
- ``aliases(notebook)``: ``{old name: new name}``; the runner takes an old name, uses the new one and prints one
  notice.
- ``describe(frame)``: one row per column (type, example values masked, share missing) as a user checks a file.
- ``propose(frame, notebook)``: the ``-p role_col=column`` mapping for a notebook from column names and contents,
  with the roles it could not decide marked; ``proposal(path, notebook)`` the same as the text ``inspect`` prints,
  which ``missing_role_hint`` adds to the error of a run that stopped on a missing role (the runner).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.common.masking import mask_pii
from experiments.data import paths


@dataclass(frozen=True)
class Role:
    """One column role: its parameter, meaning, the kind of content it holds and name hints."""

    name: str
    meaning: str
    kind: str  # id, time, number, label, text, category
    hints: tuple[str, ...]


def _conf(conf_dir: Path | None = None) -> dict[str, Any]:
    from experiments.lab.config import load_yaml

    return load_yaml((conf_dir or paths.conf_dir()) / "roles.yaml")


def roles(conf_dir: Path | None = None) -> dict[str, Role]:
    """The role vocabulary, ``{parameter name: Role}``."""
    raw = _conf(conf_dir).get("roles") or {}
    return {name: Role(name=name, meaning=str(r.get("meaning", "")), kind=str(r.get("kind", "")),
                       hints=tuple(str(h).lower() for h in r.get("hints") or ())) for name, r in raw.items()}


def reading(conf_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """The reading parameters, ``{name: {for: file|time, default, meaning, choices?}}`` (conf/roles.yaml
    ``reading``): every notebook with ``input_path`` has the ``file`` ones, every notebook with ``date_order`` the
    ``time`` ones, with the same default."""
    return {str(k): dict(v) for k, v in (_conf(conf_dir).get("reading") or {}).items()}


def reading_checks(defaults: Mapping[str, Any], conf_dir: Path | None = None) -> dict[str, tuple[tuple[str, Any], ...]]:
    """The ``choices`` checks of the reading parameters a notebook declares (its ``defaults``), in the shape of
    ``config.check_values``."""
    return {name: (("choices", list(r["choices"])),) for name, r in reading(conf_dir).items()
            if name in defaults and "choices" in r}


def aliases(notebook: str, conf_dir: Path | None = None) -> dict[str, str]:
    """``{old parameter name: current name}`` for ``notebook`` (conf/roles.yaml ``aliases``)."""
    raw = _conf(conf_dir).get("aliases") or {}
    return {str(k): str(v) for k, v in (raw.get(notebook) or {}).items()}


def apply_aliases(notebook: str, overrides: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``overrides`` with old parameter names renamed to their current names (a notice per rename)."""
    import sys

    table = aliases(notebook)
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        new = table.get(key)
        if new and key not in defaults and new in defaults:
            print(f"note: {notebook}: parameter {key!r} is now called {new!r}; using it", file=sys.stderr)
            key = new
        out[key] = value
    return out


# ------------------------------------------------------------------ looking at a file
def _kind_of(s: pd.Series) -> str:
    """What a column holds, as a user would say it: number, time, text, category, id, flag or empty."""
    from experiments.common.dates import parse_dates

    given = s.dropna()
    if given.empty:
        return "empty"
    if pd.api.types.is_bool_dtype(given) or set(map(str, given.unique()[:10])) <= {"0", "1", "True", "False",
                                                                                     "true", "false", "Yes", "No"}:
        return "flag"
    if pd.api.types.is_numeric_dtype(given):
        if pd.api.types.is_integer_dtype(given) and parse_dates(given.head(500)).order_used == "unix_s":
            return "time (epoch seconds)"
        if pd.api.types.is_integer_dtype(given) and given.nunique() > 0.5 * len(given):
            return "id or number"
        return "number"
    sample = given.astype(str).head(500)
    for order in ("auto", "mdy"):  # an all-ambiguous slash column is still a time (it needs date_order)
        try:
            if parse_dates(sample, order=order).values.notna().mean() > 0.9:
                return "time"
            break
        except ValueError:
            continue
    if sample.str.len().mean() > 40:
        return "text"
    if given.nunique() <= max(20, 0.05 * len(given)):
        return "category"
    return "id"


def describe(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per column: name, what it holds, distinct values, share missing, three masked examples."""
    rows = []
    for col in frame.columns:
        s = frame[col]
        examples = [mask_pii(v)[:40] for v in s.dropna().astype(str).unique()[:3]]
        rows.append({"column": str(col), "holds": _kind_of(s), "distinct": int(s.nunique()),
                     "missing": f"{s.isna().mean():.0%}", "examples": ", ".join(examples)})
    return pd.DataFrame(rows)


_KIND_FITS = {"id": {"id", "id or number", "category", "number"}, "time": {"time", "time (epoch seconds)"},
              "number": {"number", "id or number", "flag"}, "label": {"flag", "category"},
              "text": {"text", "category", "id"}, "category": {"category", "flag", "id"}}


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", str(name).lower())


def propose(frame: pd.DataFrame, notebook: str) -> tuple[dict[str, str], list[str]]:
    """Return ``({role parameter: column}, [roles not decided])`` for the notebook's ``*_col`` parameters.

    A column is proposed for a role when a name hint of the role is in the column's name and its content fits the
    role's kind; the strongest name match wins, each column used once. Roles without a fitting column are listed as
    not decided (their parameter keeps its default, or is left out when optional).
    """
    from experiments.lab.config import load_runs, notebook_defaults

    params = [p for p in notebook_defaults(load_runs()[notebook].path) if p.endswith("_col")]
    vocabulary = roles()
    kinds = {str(c): _kind_of(frame[c]) for c in frame.columns}
    used: set[str] = set()
    chosen: dict[str, str] = {}
    for param in params:
        role = vocabulary.get(param)
        if role is None:
            continue
        best, score = None, 0
        for col in frame.columns:
            col = str(col)
            if col in used or kinds[col] not in _KIND_FITS.get(role.kind, {kinds[col]}):
                continue
            name = _norm(col)
            s = max((len(h) + (10 if name == _norm(h) else 0) for h in role.hints if _norm(h) and _norm(h) in name),
                    default=0)
            if s > score:
                best, score = col, s
        if best is not None:
            chosen[param] = best
            used.add(best)
    times = [c for c in map(str, frame.columns) if c not in used and kinds[c] in _KIND_FITS["time"]]
    time_roles = [p for p in params if p not in chosen and p in vocabulary and vocabulary[p].kind == "time"]
    if len(times) == 1 and len(time_roles) == 1:  # no name to go by (a file without header): the one time column
        chosen[time_roles[0]] = times[0]
    undecided = [p for p in params if p not in chosen and p in vocabulary]
    return chosen, undecided


def command(path: str, notebook: str, chosen: Mapping[str, str], reading_given: Mapping[str, Any] | None = None) -> str:
    """The command line a user copies: ``python -m experiments run NOTEBOOK -p input_path=... -p role_col=...``
    (plus the reading parameters given, e.g. ``-p input_sep=whitespace``)."""
    def quote(v: str) -> str:
        return f"'{v}'" if re.search(r"[^\w./:-]", v) else v

    parts = [f".venv/bin/python -m experiments run {notebook}", f"-p input_path={quote(path)}"]
    parts += [f"-p {quote(f'{k}={v}')}" for k, v in (reading_given or {}).items() if str(v)]
    parts += [f"-p {quote(f'{k}={v}')}" for k, v in chosen.items()]
    return " \\\n    ".join(parts)


def _reading_args(given: Mapping[str, Any]) -> dict[str, Any]:
    from experiments.data.inputs import header_flag, separator

    sheet = given.get("input_sheet", "")
    return {"encoding": str(given.get("input_encoding") or "") or None,
            "sheet": sheet if sheet not in ("", None) else 0, "sep": separator(str(given.get("input_sep") or "")),
            "header": header_flag(given.get("input_header", ""))}


def defaults_not_in_file(notebook: str, defaults: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, str]:
    """Issue 19's rule for a flat table: a ``*_col`` parameter the user did not give (not in ``given``) whose default
    column is not in the file named by ``given["input_path"]`` is left out, ``{parameter: ""}``, with one notice.
    Optional roles are then absent; a required one stops the run naming the parameter (with ``inspect``'s proposed
    mapping). Nothing for the company world or a file that cannot be read here (the loader then says why)."""
    import sys

    from experiments.data.tables import DataInputError, columns_of

    path = str(given.get("input_path") or "")
    untouched = [k for k, v in defaults.items() if k.endswith("_col") and k not in given and isinstance(v, str) and v]
    if not path or not untouched:
        return {}
    try:
        present = set(columns_of(paths.resolve(path), **_reading_args(dict(defaults) | dict(given))))
    except (DataInputError, OSError, ValueError):
        return {}
    out = {k: "" for k in untouched if defaults[k] not in present}
    if out:
        listed = ", ".join(f"{k} (default {defaults[k]!r})" for k in out)
        print(f"note: {notebook}: not given and not columns of {Path(path).name}, so left out: {listed}",
              file=sys.stderr)
    return out


def read_like_the_loader(path: str, given: Mapping[str, Any]) -> pd.DataFrame:
    """Read ``path`` as ``data.inputs.load_input`` would with the reading parameters ``given`` (input_encoding,
    input_sheet, input_sep, input_header; empty or absent: detect)."""
    from experiments.data.tables import read_table

    return read_table(paths.resolve(str(path)), **_reading_args(given))


def proposal(path: str, notebook: str, given: Mapping[str, Any] | None = None,
             frame: pd.DataFrame | None = None) -> str:
    """What ``inspect FILE NOTEBOOK`` proposes, as text: the command to copy and the roles it could not decide
    (``frame``: the file already read with ``given``)."""
    given = {k: v for k, v in (given or {}).items() if k in reading() and reading()[k]["for"] == "file" and str(v)}
    chosen, undecided = propose(read_like_the_loader(path, given) if frame is None else frame, notebook)
    text = command(path, notebook, chosen, given)
    return text + ("\nNot decided (set them with -p if your table has them): " + ", ".join(undecided)
                   if undecided else "")


def missing_role_hint(notebook: str, params: Mapping[str, Any], error: str) -> str:
    """For a run of ``notebook`` that stopped on a column role (a ``DataInputError`` naming a ``*_col`` parameter of
    the notebook), the mapping ``inspect`` proposes for its ``input_path``; else ``""``."""
    path = str(params.get("input_path") or "")
    named = set(re.findall(r"\b[a-z_]+_cols?\b", error))
    if not path or "DataInputError" not in error or not named & set(params):
        return ""
    try:
        text = proposal(path, notebook, params)
    except Exception:  # noqa: BLE001 - the hint must never hide the error it explains
        return ""
    return (f"\nThe mapping `python -m experiments inspect {path} {notebook}` proposes (check it):\n" + text)
