"""Notebook 03, recommendations: what each customer should see next.

The parts (docs/architecture.md):

- ``config``: ``Config.from_parameters(params)``, the notebook's parameters as settings (no defaults of its own);
- ``sources``: ``load(config) -> Data``, the company world's completed order lines (plus items, customers,
  segments) or a flat interactions table, through ``data.inputs.load_input``;
- ``analysis``: ``run(config, data=None) -> Result``: split, parameter search on a validation split carved from
  training, every model on the test split, lists from the model with the best validation NDCG@k;
- ``result``: ``Result`` (``tables``, ``metrics()``, ``headline()``, ``publish()`` of ``recommendations``);
- ``present``: sentences and display tables; ``charts``: the figures.

Data steps on the engine (``experiments.data.engine``, ``engine``/``spark_master``/``engine_memory_limit``): the
time split's pair aggregation and filtering and the interaction counts (``splits.engine_time_split``,
``splits.engine_pairs``), DuckDB by default, Spark on request.

One method each: ``matrix`` (the customer x item matrix and its weighting), ``splits`` (time and per-user random
splits), ``models`` (ALS, BPR, item-item kNN, most-popular, random behind one interface), ``ranking_metrics``
(precision, recall, MAP, NDCG, coverage, novelty, diversity), ``evaluate`` (fit and score models on a split),
``tuning`` (the validation search and its grids, the budgeted Optuna search with pruning, the kept chosen
settings for ``search: reuse``), ``business`` (lists with reasons, "also bought", cold-start
lists), ``movielens`` (MovieLens 100k for the real-data checks).
"""

from experiments.recommend.analysis import run
from experiments.recommend.config import Config
from experiments.recommend.result import Result
from experiments.recommend.sources import Data, load

__all__ = ["Config", "Data", "Result", "load", "run"]
