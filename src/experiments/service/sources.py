"""Notebook 07's input: the company world's ``service_contacts`` (cleaned by 01) or a flat table (a contacts table
or a message log) through the shared loader, turned into contacts by ``contacts.build``."""

from __future__ import annotations

from dataclasses import dataclass

from experiments.data import inputs
from experiments.data.inputs import InputTable
from experiments.service import contacts
from experiments.service.config import Config


@dataclass
class Data:
    """What the analysis reads: the ``input`` table as read and its ``contacts``."""

    input: InputTable
    contacts: contacts.Contacts

    @property
    def is_company_world(self) -> bool:
        """True for the company world's table (no ``input_path``)."""
        return self.input.is_company_world


def load(config: Config) -> Data:
    """Read the input named by ``config`` (empty ``input_path``: the company world) and build its contacts."""
    roles, optional = config.roles()
    table = inputs.load_input(config.input_path, roles, optional=optional, encoding=config.input_encoding,
                              sheet=config.input_sheet, company="service_contacts")
    return Data(input=table, contacts=contacts.build(table))


__all__ = ["Data", "load"]
