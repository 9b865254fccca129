"""Reading the template analysis's input: the company world's orders or the user's table."""

from __future__ import annotations

from dataclasses import dataclass

from experiments.data import inputs
from experiments.example.config import Config


@dataclass
class Data:
    """What was read: the input table (frame, role columns, source, fingerprint)."""

    table: inputs.InputTable


def load(config: Config) -> Data:
    """Read the company world's ``orders`` (empty ``input_path``) or the user's table, with the customer role."""
    table = inputs.load_input(config.input_path, {"customer": config.customer_col}, encoding=config.input_encoding,
                              sheet=config.input_sheet, company="orders")
    return Data(table=table)
