"""Calibration: is a predicted 30% churn risk really 30%? Choose none, Platt or isotonic on held-out data.

The choice is made on the validation fold (never the test set) by cross-validation within it: each method is fitted
on k-1 parts and scored (Brier) on the held-out part. A method replaces the raw probabilities only when its
cross-validated Brier score beats the raw one by at least ``MIN_GAIN`` (smaller gains are noise on folds of a few
hundred customers); the chosen method is then refitted on the whole validation fold.
Platt scaling is a logistic regression on the logit of the score (Platt 1999); isotonic regression is the monotone
step fit (Zadrozny & Elkan 2002), which needs more data and can overfit small folds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from experiments.churn.metrics import brier

EPS = 1e-6
MIN_GAIN = 0.001
"""Brier improvement a calibration must bring (cross-validated) to replace the raw probabilities."""


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, float), EPS, 1 - EPS)
    return np.log(p / (1 - p))


@dataclass
class Calibrator:
    """A fitted calibration map: ``method`` is ``none``, ``platt`` or ``isotonic``."""

    method: str
    model: object | None = None

    def __call__(self, p: np.ndarray) -> np.ndarray:
        """Return calibrated probabilities for raw scores ``p``."""
        p = np.asarray(p, float)
        if self.method == "platt":
            return self.model.predict_proba(_logit(p).reshape(-1, 1))[:, 1]
        if self.method == "isotonic":
            return np.clip(self.model.predict(p), 0.0, 1.0)
        return p


def fit_calibrator(method: str, p: np.ndarray, y: np.ndarray) -> Calibrator:
    """Return the ``method`` calibrator fitted on scores ``p`` and outcomes ``y``."""
    if method == "platt":
        return Calibrator("platt", LogisticRegression(C=1e6, max_iter=1000).fit(_logit(p).reshape(-1, 1), y))
    if method == "isotonic":
        return Calibrator("isotonic", IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(p, y))
    if method == "none":
        return Calibrator("none")
    raise ValueError(f"unknown calibration method {method!r}; expected none, platt or isotonic")


def choose_calibration(p: np.ndarray, y: np.ndarray, seed: int, folds: int = 5,
                       methods: tuple[str, ...] = ("none", "platt", "isotonic"),
                       min_gain: float = MIN_GAIN) -> tuple[Calibrator, pd.Series]:
    """Return the calibrator with the lowest cross-validated Brier score on (``p``, ``y``) and every method's
    score. Ties keep the simpler method (order of ``methods``); ``none`` stays unless beaten by ``min_gain``."""
    p, y = np.asarray(p, float), np.asarray(y)
    k = int(min(folds, np.bincount(y, minlength=2).min()))
    scores = {}
    if k < 2:
        return Calibrator("none"), pd.Series({"none": brier(y, p)}, name="cv_brier")
    cv = StratifiedKFold(k, shuffle=True, random_state=seed)
    for m in methods:
        out = np.empty(len(p))
        for tr, te in cv.split(p.reshape(-1, 1), y):
            out[te] = fit_calibrator(m, p[tr], y[tr])(p[te])
        scores[m] = brier(y, out)
    s = pd.Series(scores, name="cv_brier")
    best = min(methods, key=lambda m: (round(s[m], 6), methods.index(m)))
    if "none" in s and s[best] > s["none"] - min_gain:
        best = "none"
    return fit_calibrator(best, p, y), s


def reliability_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Return mean predicted and observed churn rate per bin of equal-count predicted risk (``bins`` quantiles)."""
    df = pd.DataFrame({"p": np.asarray(p, float), "y": np.asarray(y, float)})
    q = min(bins, max(1, df["p"].nunique()))
    df["bin"] = pd.qcut(df["p"].rank(method="first"), q, labels=False)
    out = df.groupby("bin").agg(predicted=("p", "mean"), observed=("y", "mean"), customers=("y", "size"))
    return out.reset_index(drop=True)
