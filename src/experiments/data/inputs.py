"""The one input loader behind every analysis notebook's flat-table interface.

A notebook has ``input_path`` (CSV, Parquet or Excel; empty means the company world) and one ``<role>_col``
parameter per column role it needs. ``load_input`` reads the file (encoding given or detected, BOM, CRLF and quoted
newlines handled by the CSV reader; Excel ``sheet``), checks every named column exists and returns an
``InputTable``: the frame as read, the role -> column mapping and what was read (path, rows, fingerprint) for the
run info. A missing column is an error naming the file, the parameter, the column asked for, the columns the file
has and the closest match. With an empty ``input_path`` it loads the company world's processed table ``company``
(validated by its contract), or calls ``company`` when it is a function.

Example (02's transactions)::

    table = inputs.load_input(input_path, {"customer": customer_col, "date": time_col, "amount": amount_col},
                              encoding=input_encoding, company="orders")
    frame = table.select()          # columns renamed to the roles: customer, date, amount
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.data import paths
from experiments.data.tables import DataInputError, read_table

RoleColumns = Mapping[str, "str | Sequence[str] | None"]


@dataclass
class InputTable:
    """A table read for an analysis: the frame as read plus where it came from.

    ``columns`` maps each given role to its column (or list of columns, e.g. ``metric`` -> ``["converted"]``);
    roles left empty are absent. ``source`` is a short display name (the file name, or ``company world: orders``).
    """

    frame: pd.DataFrame
    columns: dict[str, str | list[str]]
    source: str
    path: Path | None
    fingerprint: str
    encoding: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Number of rows read."""
        return len(self.frame)

    @property
    def is_company_world(self) -> bool:
        """True when the table is the company world's (no ``input_path`` given)."""
        return self.path is None or self.extra.get("company", False)

    def select(self, roles: Iterable[str] | None = None) -> pd.DataFrame:
        """Return the single-column roles (all, or ``roles``) as a frame whose columns are the role names."""
        wanted = [r for r in (roles or self.columns) if isinstance(self.columns.get(r), str)]
        out = self.frame[[self.columns[r] for r in wanted]].copy()
        out.columns = wanted
        return out

    def info(self) -> dict[str, Any]:
        """Return what was read, for the run info: source, path, rows, columns, fingerprint, encoding."""
        return {"source": self.source, "path": str(self.path) if self.path else "", "rows": self.rows,
                "columns": len(self.frame.columns), "fingerprint": self.fingerprint, "encoding": self.encoding or ""}


def closest_column(wanted: str, columns: Sequence[str]) -> str | None:
    """Return the column of ``columns`` closest to ``wanted`` (case-insensitive), or None when nothing is close."""
    by_lower = {str(c).lower(): str(c) for c in columns}
    if wanted.lower() in by_lower:
        return by_lower[wanted.lower()]
    match = difflib.get_close_matches(wanted.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[match[0]] if match else None


def check_columns(df: pd.DataFrame, roles: RoleColumns, source: str, optional: Iterable[str] = (),
                  names: Mapping[str, str] | None = None) -> dict:
    """Return ``{role: column}`` for the given roles after checking each column exists in ``df``.

    A role whose value is empty is dropped when it is in ``optional`` and missing otherwise. Every missing column is
    named in one ``DataInputError``: ``source``, each parameter (``names[role]``, else ``<role>_col``), the column
    asked for with the closest column, and the columns present.
    """
    optional = set(optional)
    names = names or {}
    present = [str(c) for c in df.columns]
    out: dict[str, str | list[str]] = {}
    problems: list[str] = []
    for role, value in roles.items():
        if value is None or (isinstance(value, str | list | tuple) and len(value) == 0):
            if role not in optional:
                problems.append(f"parameter {names.get(role, f'{role}_col')} is empty (not given, or its default "
                                f"column is not in the file), but the analysis needs a column for '{role}'")
            continue
        cols = [value] if isinstance(value, str) else [str(v) for v in value]
        param = names.get(role) or (f"{role}_col" if isinstance(value, str) else f"{role}_cols")
        missing = [c for c in cols if c not in df.columns]
        for col in missing:
            hint = closest_column(col, present)
            problems.append(f"parameter {param} asks for column {col!r}, which the file does not have"
                            + (f" (did you mean {hint!r}?)" if hint else ""))
        if not missing:
            out[role] = value if isinstance(value, str) else cols
    if problems:
        head = problems[0] if len(problems) == 1 else \
            f"{len(problems)} column roles are missing: " + "; ".join(problems)
        raise DataInputError(f"{source}: {head}; the file has {_listing(present)}")
    return out


def _listing(columns: Sequence[str], limit: int = 30) -> str:
    shown = ", ".join(repr(c) for c in columns[:limit])
    return f"{len(columns)} columns: {shown}" + (", ..." if len(columns) > limit else "")


def header_flag(value: bool | str | None) -> bool | None:
    """``input_header`` as the reader takes it: ``""``/None detect (None), ``true`` / ``false`` (any case)."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "auto"):
        return None
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise DataInputError(f"parameter input_header is {value!r}; expected true, false or empty (detect)")


def separator(value: str | None) -> str | None:
    """``input_sep`` as the reader takes it: empty means detect (None); ``\\t`` or ``tab`` a tab."""
    text = str(value or "")
    return {"": None, "\\t": "\t", "tab": "\t", "space": "whitespace"}.get(text, text)


def load_input(input_path: str | os.PathLike[str], roles: RoleColumns, *, optional: Iterable[str] = (),
               encoding: str = "", sheet: str | int = "", company: str | Callable[[], pd.DataFrame] | None = None,
               dtype: Mapping[str, str] | str | None = None, sep: str = "",
               header: bool | str | None = None, names: Mapping[str, str] | None = None) -> InputTable:
    """Read the analysis input and return an ``InputTable`` (see the module docstring).

    ``roles`` is ``{role: column}`` from the notebook's ``<role>_col`` parameters; ``optional`` names roles that may
    be empty. ``encoding`` empty means detect (``tables.read_table``); ``sheet`` empty means the first sheet;
    ``sep`` (``input_sep``: a delimiter or ``whitespace``) empty and ``header`` (``input_header``: true / false)
    empty or None mean detect the delimiter and whether there is a header row. ``names`` maps a role to its
    parameter where that is not ``<role>_col`` (for the messages).
    With an empty ``input_path`` the company world is read: ``company`` is a processed table name (read through
    ``contracts.load_processed``) or a function returning the frame; roles are then checked against it too.
    """
    from experiments.common.files import fingerprint

    if not str(input_path or "").strip():
        if company is None:
            raise DataInputError("input_path is empty and this analysis has no company-world table")
        if callable(company):
            frame, source, path = company(), "company world", None
            fp = fingerprint([paths.processed_dir()])
        else:
            from experiments.data.contracts import load_processed
            from experiments.data.processed import current_dir

            path = current_dir() / f"{company}.parquet"
            frame, source = load_processed(company), f"company world: {company}"
            fp = fingerprint([path])
        cols = check_columns(frame, roles, source, optional, names)
        return InputTable(frame=frame, columns=cols, source=source, path=None, fingerprint=fp,
                          extra={"company": True, "company_path": str(path) if path else ""})
    path = paths.resolve(str(input_path))
    frame = read_table(path, encoding=encoding or None, sheet=sheet if sheet not in ("", None) else 0, dtype=dtype,
                       sep=separator(sep), header=header_flag(header))
    cols = check_columns(frame, roles, path.name, optional, names)
    return InputTable(frame=frame, columns=cols, source=path.name, path=path, fingerprint=fingerprint([path]),
                      encoding=frame.attrs.get("encoding") or encoding or None)
