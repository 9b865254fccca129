"""The three models compared on one split: LightGBM (native categoricals, early stopping on a validation fold),
logistic regression and a random forest.

Split: a stratified test set (``test_fraction``) is put aside; the rest is split again, 75/25 stratified, into a fit
fold and a validation fold. LightGBM stops adding trees when the validation log-loss has not improved for
``EARLY_STOPPING`` rounds; the validation fold also chooses the calibration (``calibration``). The baselines are
fitted on the fit fold too, so all three see the same rows. LightGBM runs with one thread (``n_jobs=1``): two
threads on this 2-core machine measured 10 to 25 times slower from OpenMP contention.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

EARLY_STOPPING = 100
LGBM_PARAMS = {
    "objective": "binary", "learning_rate": 0.03, "n_estimators": 3000, "num_leaves": 7, "max_depth": 3,
    "min_child_samples": 30, "subsample": 0.8, "subsample_freq": 1, "colsample_bytree": 0.8, "reg_lambda": 1.0,
    "cat_smooth": 10, "min_data_per_group": 30, "n_jobs": 1, "verbose": -1,
}
"""Shallow trees and a slow learning rate: these tables have thousands of rows, not millions."""


@dataclass
class Split:
    """Row positions of the fit, validation and test folds."""

    fit: np.ndarray
    valid: np.ndarray
    test: np.ndarray


def split_rows(y: pd.Series | np.ndarray, test_fraction: float, seed: int, valid_fraction: float = 0.25) -> Split:
    """Return stratified row positions: ``test_fraction`` for test, then ``valid_fraction`` of the rest for
    validation. Raises ``ValueError`` when a fold would hold fewer than two rows of a class."""
    y = np.asarray(y)
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    counts = np.bincount(y, minlength=2)
    if counts.min() * min(test_fraction, (1 - test_fraction) * valid_fraction) < 2:
        raise ValueError(f"too few rows to split: {counts[1]} churned and {counts[0]} not; each fold needs at least "
                         "two of each (lower test_fraction or use more data)")
    pos = np.arange(len(y))
    rest, test = train_test_split(pos, test_size=test_fraction, stratify=y, random_state=seed)
    fit, valid = train_test_split(rest, test_size=valid_fraction, stratify=y[rest], random_state=seed)
    return Split(np.sort(fit), np.sort(valid), np.sort(test))


#: Characters LightGBM refuses in a feature name ("Do not support special JSON characters in feature name").
_JSON_SPECIAL = re.compile(r'[",:\[\]{}]')


def lgb_frame(X: pd.DataFrame) -> pd.DataFrame:
    """``X`` as LightGBM may see it: columns whose names hold a JSON special character (``"`` ``,`` ``:`` ``[``
    ``]`` ``{`` ``}``) renamed internally (``_`` in their place, a numbered suffix when two collide); ``X`` itself
    when no name needs it. Every LightGBM fit and predict goes through here; tables, reasons and the report keep
    the user's names (positions are the same)."""
    names = [str(c) for c in X.columns]
    if not any(_JSON_SPECIAL.search(n) for n in names):
        return X
    safe: list[str] = []
    for n in names:
        base = new = _JSON_SPECIAL.sub("_", n)
        k = 2
        while new in safe or (new != n and new in names):
            new, k = f"{base}_{k}", k + 1
        safe.append(new)
    return X.set_axis(safe, axis=1)


def _categorical(X: pd.DataFrame) -> list[str]:
    return [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype)]


def fit_lightgbm(X_fit: pd.DataFrame, y_fit: pd.Series, X_valid: pd.DataFrame, y_valid: pd.Series,
                 seed: int, params: dict | None = None) -> lgb.LGBMClassifier:
    """Return a LightGBM classifier fitted on the fit fold with early stopping on the validation fold.

    Categorical columns (pandas ``category`` dtype) are split natively by LightGBM (no one-hot encoding).
    """
    model = lgb.LGBMClassifier(**{**LGBM_PARAMS, **(params or {})}, random_state=seed)
    X_fit, X_valid = lgb_frame(X_fit), lgb_frame(X_valid)
    model.fit(X_fit, y_fit, eval_X=(X_valid,), eval_y=(y_valid,), eval_metric="binary_logloss",
              categorical_feature=_categorical(X_fit) or "auto",
              callbacks=[lgb.early_stopping(EARLY_STOPPING, verbose=False)])
    return model


def _columns(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    cat = _categorical(X)
    return [c for c in X.columns if c not in cat], cat


def logistic_regression(X: pd.DataFrame, seed: int) -> Pipeline:
    """Return an unfitted logistic regression pipeline: median imputation with missing flags and scaling for
    numbers, one-hot for categoricals (unknown levels ignored), L2 penalty C=1."""
    num, cat = _columns(X)
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), num),
        ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                              OneHotEncoder(handle_unknown="ignore")), cat),
    ])
    return Pipeline([("pre", pre), ("model", LogisticRegression(C=1.0, max_iter=5000, random_state=seed))])


RF_TREES = 100
"""Trees of the random forest baseline."""
RF_MAX_SAMPLES = 20_000
"""Rows drawn per random-forest tree at most (the bootstrap sample), which bounds its cost on large tables."""


def random_forest(X: pd.DataFrame, seed: int, n_trees: int = RF_TREES, n_rows: int | None = None) -> Pipeline:
    """Return an unfitted random forest pipeline (median imputation, ordinal-coded categoricals, one thread); each
    tree sees a bootstrap sample of at most ``RF_MAX_SAMPLES`` of the ``n_rows`` it will be fitted on."""
    num, cat = _columns(X)
    pre = ColumnTransformer([
        ("num", SimpleImputer(strategy="median", add_indicator=True), num),
        ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="missing"),
                              OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)), cat),
    ])
    cap = RF_MAX_SAMPLES if n_rows and n_rows > RF_MAX_SAMPLES else None
    rf = RandomForestClassifier(n_estimators=n_trees, min_samples_leaf=5, max_features="sqrt", n_jobs=1,
                                max_samples=cap, random_state=seed)
    return Pipeline([("pre", pre), ("model", rf)])


@dataclass
class Fitted:
    """The three fitted models and their raw (uncalibrated) probabilities on validation and test rows."""

    lgbm: lgb.LGBMClassifier
    logreg: Pipeline
    rf: Pipeline
    valid_proba: dict[str, np.ndarray]
    test_proba: dict[str, np.ndarray]

    @property
    def best_iteration(self) -> int:
        """Trees LightGBM kept after early stopping."""
        return int(self.lgbm.best_iteration_ or self.lgbm.n_estimators)


MODEL_NAMES = ("lgbm", "logreg", "rf")


def _as_object(X: pd.DataFrame, cat: Sequence[str]) -> pd.DataFrame:
    """Categoricals as object columns for scikit-learn's imputers and encoders."""
    out = X.copy()
    for c in cat:
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def fit_all(X: pd.DataFrame, y: pd.Series, split: Split, seed: int, rf_trees: int = RF_TREES,
            learning_rate: float | None = None) -> Fitted:
    """Fit LightGBM, logistic regression and the random forest on ``split.fit``; return them with their
    probabilities on the validation and test rows. ``learning_rate``: LightGBM's (the notebook's parameter; None
    keeps ``LGBM_PARAMS``')."""
    Xf, yf = X.iloc[split.fit], y.iloc[split.fit]
    Xv, yv = X.iloc[split.valid], y.iloc[split.valid]
    lgbm = fit_lightgbm(Xf, yf, Xv, yv, seed, None if learning_rate is None else {"learning_rate": learning_rate})
    _, cat = _columns(X)
    Xo = _as_object(X, cat)
    logreg = logistic_regression(X, seed).fit(Xo.iloc[split.fit], yf)
    rf = random_forest(X, seed, rf_trees, n_rows=len(split.fit)).fit(Xo.iloc[split.fit], yf)
    models = {"lgbm": (lgbm, lgb_frame(X)), "logreg": (logreg, Xo), "rf": (rf, Xo)}
    valid = {k: m.predict_proba(d.iloc[split.valid])[:, 1] for k, (m, d) in models.items()}
    test = {k: m.predict_proba(d.iloc[split.test])[:, 1] for k, (m, d) in models.items()}
    return Fitted(lgbm=lgbm, logreg=logreg, rf=rf, valid_proba=valid, test_proba=test)


def predict(fitted: Fitted, X: pd.DataFrame, model: str = "lgbm") -> np.ndarray:
    """Return the raw churn probability of every row of ``X`` from one of the fitted models."""
    if model == "lgbm":
        return fitted.lgbm.predict_proba(lgb_frame(X))[:, 1]
    _, cat = _columns(X)
    return getattr(fitted, model).predict_proba(_as_object(X, cat))[:, 1]
