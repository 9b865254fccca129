"""Notebook 04, churn prediction: whom to call this week, what it is worth, and why they are leaving.

The parts (docs/architecture.md):

- ``config``: ``Config.from_parameters(params)``, the notebook's parameters (no defaults here);
- ``sources``: ``load(config) -> Data``, the company world's processed tables (and other notebooks' outputs when
  present) with the snapshot and score date, or one flat table through the shared loader;
- ``analysis``: ``run(config, data=None) -> Result``;
- ``result``: ``Result`` (``.tables``, ``.metrics()``, ``.publish()``: ``churn_scores`` and ``churn_actions``);
- ``present`` and ``charts``: the report's sentences, tables and figures;
- ``evaluation``: the oracle ROC-AUC from the planted churn probabilities (the only reader of the planted truth).

One method each: ``labels`` (who churned: no purchase within ``label_days`` after the snapshot; the snapshot and
score dates), ``features`` (company-world features as of a snapshot, no look-ahead), ``prepare`` (a flat table's
label, column types and blanks), ``valuation`` (what keeping a company-world customer is worth), ``models``
(LightGBM with native categoricals and early stopping; logistic regression and random forest baselines),
``crossfit`` (out-of-fold scores for the training rows of a flat table), ``metrics`` (ROC-AUC, PR-AUC, Brier,
top-decile lift, bootstrap intervals), ``calibration`` (none / Platt / isotonic chosen on held-out data),
``reasons`` (LightGBM ``pred_contrib`` SHAP values as sentences), ``actions`` (value at risk, profit cut-off, the
rule checked on test customers, action per tier).
"""

from experiments.churn.analysis import run
from experiments.churn.config import Config
from experiments.churn.result import Result
from experiments.churn.sources import Data, load

__all__ = ["Config", "Data", "Result", "load", "run"]
