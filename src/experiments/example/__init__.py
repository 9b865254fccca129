"""The smallest analysis in the one shape: how many order lines each customer has. ``notebooks/_template.py`` runs
it; copy the package (and the template) to start a new analysis, and docs/architecture.md says what each part is.

- ``config``: ``Config.from_parameters(params)``: the notebook's parameters as settings, no defaults of its own;
- ``sources``: ``load(config) -> Data``: the company world's orders, or your table through ``load_input``;
- ``analysis``: ``run(config, data=None) -> Result``;
- ``result``: ``Result`` with ``tables``, ``metrics()`` and ``publish()`` (this one publishes nothing);
- ``present`` and ``charts``: what the report shows.
"""

from experiments.example.analysis import run
from experiments.example.config import Config
from experiments.example.result import Result
from experiments.example.sources import load

__all__ = ["Config", "Result", "load", "run"]
