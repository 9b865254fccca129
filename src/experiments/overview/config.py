"""The overview's settings, read from notebook 00's parameters (every default lives in its parameters cell)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from experiments.common.params import need, text

NOTEBOOK = "00_data_overview"


@dataclass(frozen=True)
class Config:
    """Which raw folder to describe (empty: the project's data/raw)."""

    raw_dir: str
    seed: int

    @classmethod
    def from_parameters(cls, params: Mapping[str, Any]) -> Config:
        """Return the config of the notebook parameters ``params``; a missing key is a ``ParameterError``."""
        return cls(raw_dir=text(params, "raw_dir", NOTEBOOK), seed=int(need(params, "seed", NOTEBOOK)))
