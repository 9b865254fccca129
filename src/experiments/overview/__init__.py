"""The data overview (notebook 00): what the raw company world holds, as delivered, in the one shape of
docs/architecture.md.

- ``config``: ``Config.from_parameters(params)``: notebook 00's parameters (the raw folder), no defaults of its own;
- ``sources``: ``load(config) -> Data``: every raw file as delivered (which file holds what: ``conf/catalog.yaml``);
- ``analysis``: ``run(config, data=None) -> Result``: the inventory of files, customer records per system, order
  lines per month and channel, feedback per channel, ad units per experiment and variant;
- ``result``: ``Result`` (``tables``, ``metrics()``; ``publish()`` publishes nothing);
- ``present`` and ``charts``: the report's tables and figures.
"""

from experiments.overview.analysis import run
from experiments.overview.config import Config
from experiments.overview.result import Result
from experiments.overview.sources import load

__all__ = ["Config", "Result", "load", "run"]
