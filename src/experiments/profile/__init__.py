"""Customer 360 (notebook 08): one profile per customer from every analysis's published table, an interaction
timeline, audiences for the ad platforms and lookalike prospects.

- ``config``: ``Config.from_parameters(params)``: the notebook's parameters as settings, no defaults of its own;
- ``sources``: ``load(config) -> Data``: the published tables (or your ``<table>_path`` files) with run id, run time
  and freshness, and the prospects;
- ``analysis``: ``run(config, data=None) -> Result`` (checks the audience rules before reading anything);
- ``result``: ``Result`` with ``tables``, ``metrics()``, ``publish()`` (customer_360, customer_timeline) and
  ``export_audiences(folder)``;
- ``present`` and ``charts``: what the report shows (masked and escaped);
- ``evaluation``: the lookalike against the planted prospect value (the only reader of the planted files).

One method each: ``blocks`` (the profile's blocks), ``timeline`` (events), ``audiences`` (rules), ``hashing``
(identifier normalisation and SHA-256 for upload), ``lookalike`` (calibrated seed classifier), ``cards`` (who gets
a card and what it holds).
"""

from experiments.profile.analysis import run
from experiments.profile.config import Config
from experiments.profile.result import Result
from experiments.profile.sources import load

__all__ = ["Config", "Result", "load", "run"]
