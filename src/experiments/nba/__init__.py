"""09 next best action: learn from a randomized campaign which action moves whom, then decide per customer.

- ``config``: ``Config.from_parameters(params)``: the notebook's parameters as settings, no defaults of its own;
- ``sources``: ``load(config) -> Data``: the company world's cleaned campaign with customer features as of the send
  date and the current customers as of now, or your randomized campaign (``input_path``, ``test_path``);
- ``features``: customer features as of a date from the processed orders, items and feedback;
- ``randomization``: sample-ratio mismatch and balance (standardized mean differences) of the arms;
- ``learner``: the multi-treatment X-learner on LightGBM with a shared baseline, bagged (``Ensemble``);
- ``scoring``: the policy, Qini per action, IPW policy value, IRR / NIR, bootstrap intervals;
- ``decide``: the decision per current customer under care-first, consent, call capacity, budget, contact cap and a
  random control group;
- ``analysis``: ``run(config, data=None) -> Result``; ``result``: ``Result`` (tables, metrics, publish of
  ``next_best_actions``); ``present`` and ``charts``: what the report shows;
- ``evaluation``: the company world's planted campaign truth: the policy's true value, the oracle's,
  the sleeping dogs contacted. Only the notebook's truth section and tests call it.
"""

from experiments.nba.analysis import run
from experiments.nba.config import Config
from experiments.nba.result import Result
from experiments.nba.sources import load

__all__ = ["Config", "Result", "load", "run"]
