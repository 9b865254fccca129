"""The template analysis's settings, read from the notebook's parameters (defaults live in the parameters cell)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from experiments.common.params import need, text

NOTEBOOK = "_template"


@dataclass(frozen=True)
class Config:
    """What to read and how many customers to show."""

    input_path: str
    input_encoding: str
    input_sheet: str
    customer_col: str
    top_n: int
    seed: int

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Return the config of the notebook parameters ``params``; a missing key is a ``ParameterError``."""
        return cls(input_path=text(params, "input_path", NOTEBOOK), input_encoding=text(params, "input_encoding"),
                   input_sheet=text(params, "input_sheet"), customer_col=text(params, "customer_col", NOTEBOOK),
                   top_n=int(need(params, "top_n", NOTEBOOK)), seed=int(need(params, "seed", NOTEBOOK)))
