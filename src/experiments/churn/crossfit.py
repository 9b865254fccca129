"""Out-of-fold scores for the customers the models trained on (cross-fitting), so that no published score comes from
a model that saw the customer.

On a flat table every row is both in the population the models learn from and on the contact list. The held-out
test customers are scored by the compared LightGBM model, which never saw them; the training customers (fit and
validation folds) are split into ``FOLDS`` stratified folds, and each fold is scored by a LightGBM with the same
settings and the same number of trees as the compared model (``best_iteration``; no early stopping, which would
need another fold), fitted on the other training folds. Its SHAP contributions explain those rows' scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from experiments.churn import models, reasons

FOLDS = 5
"""Folds of the training customers; each is scored by a model fitted on the other four."""


@dataclass
class CrossFit:
    """Raw out-of-fold probabilities and SHAP contributions of the training rows (``rows``: positions in ``X``)."""

    rows: np.ndarray
    proba: np.ndarray
    contributions: pd.DataFrame


def cross_fit(X: pd.DataFrame, y: pd.Series, rows: np.ndarray, n_trees: int, seed: int,
              folds: int = FOLDS, learning_rate: float | None = None) -> CrossFit:
    """Return the out-of-fold LightGBM probabilities and contributions of ``X.iloc[rows]`` (see the module
    docstring); ``n_trees`` and ``learning_rate`` are the compared model's (None: ``LGBM_PARAMS``')."""
    rows = np.sort(np.asarray(rows))
    y_rows = y.iloc[rows].to_numpy()
    proba = np.full(len(rows), np.nan)
    parts = []
    kfold = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    safe = models.lgb_frame(X)
    cat = [c for c in safe.columns if isinstance(safe[c].dtype, pd.CategoricalDtype)]
    for train, held in kfold.split(rows, y_rows):
        rate = {} if learning_rate is None else {"learning_rate": learning_rate}
        model = lgb.LGBMClassifier(**{**models.LGBM_PARAMS, **rate, "n_estimators": int(n_trees)}, random_state=seed)
        model.fit(safe.iloc[rows[train]], y_rows[train], categorical_feature=cat or "auto")
        proba[held] = model.predict_proba(safe.iloc[rows[held]])[:, 1]
        parts.append(reasons.contributions(model, X.iloc[rows[held]]))
    contrib = pd.concat(parts).loc[X.index[rows]]
    return CrossFit(rows=rows, proba=proba, contributions=contrib)


__all__ = ["FOLDS", "CrossFit", "cross_fit"]
