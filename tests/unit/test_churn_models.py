"""The models and the split: stratification, reproducibility, native categoricals, and a planted signal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.churn import metrics, models, reasons


def _data(n: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Churn driven by recency (up), a categorical plan ('monthly' up) and nothing else (noise column)."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"recency": rng.exponential(60, n), "noise": rng.normal(size=n),
                      "plan": pd.Categorical(rng.choice(["monthly", "yearly", "two_year"], n))})
    logit = -2 + 0.03 * X["recency"] + 1.5 * (X["plan"] == "monthly")
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int), index=X.index)
    return X, y


def test_split_is_stratified_disjoint_and_reproducible() -> None:
    y = np.array([1] * 100 + [0] * 300)
    s = models.split_rows(y, 0.2, seed=1)
    assert len(s.test) == 80 and len(s.valid) == 80 and len(s.fit) == 240
    assert len(set(s.fit) | set(s.valid) | set(s.test)) == 400
    assert y[s.test].mean() == pytest.approx(0.25) and y[s.valid].mean() == pytest.approx(0.25)
    assert np.array_equal(s.test, models.split_rows(y, 0.2, seed=1).test)
    with pytest.raises(ValueError, match="too few rows"):
        models.split_rows(np.array([1, 1, 0, 0, 0, 0, 0, 0]), 0.2, seed=1)
    with pytest.raises(ValueError, match="test_fraction"):
        models.split_rows(y, 1.5, seed=1)


def test_models_learn_the_planted_signal_and_shap_adds_up() -> None:
    X, y = _data()
    split = models.split_rows(y.to_numpy(), 0.25, seed=3)
    fitted = models.fit_all(X, y, split, seed=3, rf_trees=100)
    yt = y.iloc[split.test].to_numpy()
    truth = -2 + 0.03 * X["recency"].iloc[split.test] + 1.5 * (X["plan"].iloc[split.test] == "monthly")
    oracle = metrics.roc_auc(yt, truth.to_numpy())
    for name in models.MODEL_NAMES:
        assert metrics.roc_auc(yt, fitted.test_proba[name]) > oracle - 0.03, name
    assert fitted.lgbm.n_jobs == 1 and 0 < fitted.best_iteration < models.LGBM_PARAMS["n_estimators"]
    contrib = reasons.contributions(fitted.lgbm, X.iloc[split.test])
    raw = fitted.lgbm.predict(X.iloc[split.test], raw_score=True)
    assert np.allclose(contrib.sum(axis=1).to_numpy(), raw)          # TreeSHAP: contributions sum to the score
    imp = reasons.global_importance(contrib)
    assert imp.index[-1] == "noise"
    again = models.fit_all(X, y, split, seed=3, rf_trees=100)
    assert np.array_equal(again.test_proba["lgbm"], fitted.test_proba["lgbm"])  # same seed, same result
