"""The one result shape of every analysis: what ``<analysis>.run(config)`` returns.

A notebook reads the same in every analysis::

    cfg = churn.Config.from_parameters(run.params)
    result = churn.run(cfg)
    ...                               # numbered sections display result.tables and present/charts of result
    result.publish()                  # the analysis's output tables, with their contracts, atomically
    run.finish(result.metrics())      # metrics.json

``Result`` is a ``typing.Protocol``: each analysis has its own dataclass with whatever fields its report needs, and a
test checks each one against this protocol (``isinstance(result, Result)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd


@runtime_checkable
class Result(Protocol):
    """What ``run(config)`` returns in every analysis package."""

    @property
    def tables(self) -> Mapping[str, pd.DataFrame]:
        """The named tables the report shows (display copies are made by ``present``; these are the data)."""
        ...

    def metrics(self) -> dict[str, Any]:
        """The flat metrics.json dict (keys documented in conf/runs.yaml)."""
        ...

    def publish(self) -> Path | None:
        """Write the analysis's output tables through ``data.processed.publish_results`` (None: it publishes none)."""
        ...
