"""Notebook 07's input: the company world's ``service_contacts`` (cleaned by 01) or a flat table (a contacts table
or a message log) through the shared loader, turned into contacts by ``contacts.build``.

With a flat table (``input_path`` set) an optional role whose column is the parameters cell's company-world default
and is not in the file is left out (a message log needs no ``first_reply_col``, ``resolved_col`` or
``customer_col``); a column the user named that the file lacks stays an error. Required roles missing are one error
listing each with the file's closest column. ``Data.roles_used`` and ``Data.roles_left_out`` say which were read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from experiments.common.errors import DataInputError
from experiments.data import inputs
from experiments.data.inputs import InputTable
from experiments.service import contacts
from experiments.service.config import NOTEBOOK, OPTIONAL_ROLES, ROLE_PARAMETERS, Config


@dataclass
class Data:
    """What the analysis reads: the ``input`` table as read and its ``contacts``; ``roles_used`` maps each role
    read to its column, ``roles_left_out`` each optional role left out to why."""

    input: InputTable
    contacts: contacts.Contacts
    roles_used: dict[str, str] = field(default_factory=dict)
    roles_left_out: dict[str, str] = field(default_factory=dict)

    @property
    def is_company_world(self) -> bool:
        """True for the company world's table (no ``input_path``)."""
        return self.input.is_company_world


def company_defaults() -> dict[str, str]:
    """The parameters cell's ``<role>_col`` defaults (the company world's columns), by role."""
    from experiments.lab.config import load_runs, notebook_defaults

    cell = notebook_defaults(load_runs()[NOTEBOOK].path)
    return {role: str(cell.get(param) or "") for role, param in ROLE_PARAMETERS.items()}


def flat_columns(config: Config, present: list[str], source: str,
                 defaults: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Return ``({role: column} to read, {role: why left out})`` for a flat table with columns ``present``.

    An optional role whose column is its company-world default (``defaults``, from the parameters cell) and not in
    the file is left out; required roles (contact_id, channel, opened) missing are one ``DataInputError`` naming
    every one with its parameter and the closest column."""
    defaults = company_defaults() if defaults is None else defaults
    cols = {role: col for role, col in config.columns.items() if col}
    left_out = {role: "not given" for role in OPTIONAL_ROLES if role not in cols}
    for role in OPTIONAL_ROLES:
        col = cols.get(role, "")
        if col and col == defaults.get(role) and col not in present:
            left_out[role] = f"default column {col!r} not in the file"
            del cols[role]
    required = [r for r in ROLE_PARAMETERS if r not in OPTIONAL_ROLES]
    missing = [r for r in required if cols.get(r, "") not in present]
    if missing:
        parts = []
        for r in missing:
            hint = inputs.closest_column(cols.get(r, "") or r, present)
            given = f"={cols[r]!r}" if cols.get(r) else f" not given (default {defaults.get(r, '')!r} not in the file)"
            parts.append(f"{ROLE_PARAMETERS[r]}{given}" + (f" (closest column: {hint!r})" if hint else ""))
        raise DataInputError(f"{source}: {len(missing)} required column(s) not found: {'; '.join(parts)}; the file "
                             f"has {len(present)} columns: {', '.join(repr(c) for c in present[:30])}")
    return cols, dict(sorted(left_out.items()))


def load(config: Config) -> Data:
    """Read the input named by ``config`` (empty ``input_path``: the company world) and build its contacts."""
    if not config.input_path:
        roles, optional = config.roles()
        table = inputs.load_input(config.input_path, roles, optional=optional, encoding=config.input_encoding,
                                  sheet=config.input_sheet, company="service_contacts")
        return Data(input=table, contacts=contacts.build(table, config.data_engine()), roles_used=dict(table.columns))
    table = inputs.load_input(config.input_path, {}, encoding=config.input_encoding, sheet=config.input_sheet,
                              sep=config.input_sep, header=config.input_header)
    if table.rows == 0:
        raise DataInputError(f"{table.source}: the file has no rows (only a header: "
                             f"{', '.join(repr(str(c)) for c in table.frame.columns[:30])}); nothing to analyse")
    cols, left_out = flat_columns(config, [str(c) for c in table.frame.columns], table.source)
    roles, optional = config.roles(cols)
    table.columns = inputs.check_columns(table.frame, roles, table.source, optional, ROLE_PARAMETERS)
    built = contacts.build(table, config.data_engine(), (config.date_order, config.date_format))
    return Data(input=table, contacts=built, roles_used=dict(table.columns), roles_left_out=left_out)


__all__ = ["Data", "company_defaults", "flat_columns", "load"]
