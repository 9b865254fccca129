"""Who to target next time: a T-learner uplift model on LightGBM, scored on a held-out split with a Qini curve.

The T-learner (Kuenzel, Sekhon, Bickel & Yu 2019, PNAS 116) fits one outcome model on the control units and one on
the treated units; the predicted uplift of a unit is m_1(x) - m_0(x). The models are fitted on a random
``1 - test_share`` of the units (stratified by variant, seeded) and scored on the rest, never on their own training
units.

Scores on the held-out units, ranked by predicted uplift and cut into ``bins`` equal parts (top 10%, top 20% ...):

- the uplift curve g(k) = (mean_t(top k) - mean_c(top k)) * k / bins: the gain per unit of the whole population
  when only the top k / bins are treated;
- ``auuc``: the mean of g over the bins (area under the uplift curve, per unit);
- ``qini``: auuc minus the area of random targeting, mean_k(ATE * k / bins) with the held-out ATE; above 0 the
  ranking beats treating at random (Radcliffe 2007; Gutierrez & Gerardy 2017, PMLR 67);
- ``qini_low``, ``qini_high``: its (1 - alpha) percentile-bootstrap interval over the held-out units
  (``QINI_BOOTSTRAP`` resamples, each arm resampled with replacement at its own size, the fitted model's scores kept):
  the noise of scoring on a finite held-out sample, not of refitting. An interval covering 0 means the ranking is not
  shown to beat random targeting, so the model gives no targeting advice.

The group that gains most is named from the top bin: the feature value most over-represented there against its
share of all held-out units (e.g. ``interest=coffee``: 95% of the top decile against 17% overall).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.common.errors import DataInputError


@dataclass
class UpliftResult:
    """The held-out uplift curve, its summaries and the group that gains most."""

    curve: pd.DataFrame
    auuc: float
    qini: float
    qini_low: float
    qini_high: float
    top_group: str
    top_share: float
    base_share: float
    n_train: int
    n_test: int


def uplift_curve(uplift: np.ndarray, y: np.ndarray, treated: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Return one row per cumulative bin of units ranked by ``uplift`` (highest first).

    Columns: fraction (k / bins), n_treated, n_control, mean_treated, mean_control, uplift (the difference of
    means in the top k / bins), gain (uplift * fraction), random (ATE * fraction, the random-targeting line).
    """
    order = np.argsort(-np.asarray(uplift, dtype=float), kind="stable")
    y, t = np.asarray(y, dtype=float)[order], np.asarray(treated, dtype=bool)[order]
    n = len(y)
    ate = y[t].mean() - y[~t].mean()
    rows = []
    for k in range(1, bins + 1):
        top = slice(0, int(round(n * k / bins)))
        yt, yc = y[top][t[top]], y[top][~t[top]]
        diff = (yt.mean() - yc.mean()) if len(yt) and len(yc) else float("nan")
        rows.append({"fraction": k / bins, "n_treated": len(yt), "n_control": len(yc),
                     "mean_treated": yt.mean() if len(yt) else float("nan"),
                     "mean_control": yc.mean() if len(yc) else float("nan"), "uplift": diff,
                     "gain": diff * k / bins, "random": ate * k / bins})
    return pd.DataFrame(rows)


def auuc_qini(curve: pd.DataFrame) -> tuple[float, float]:
    """(AUUC, Qini) of an ``uplift_curve``: the mean gain, and the mean gain above the random-targeting line."""
    return float(curve["gain"].mean()), float((curve["gain"] - curve["random"]).mean())


#: Bootstrap resamples of the held-out units behind the Qini interval.
QINI_BOOTSTRAP = 400


def qini_interval(uplift: np.ndarray, y: np.ndarray, treated: np.ndarray, *, bins: int = 10, alpha: float = 0.05,
                  n_boot: int = QINI_BOOTSTRAP, seed: int = 42) -> tuple[float, float]:
    """(low, high): the (1 - ``alpha``) percentile-bootstrap interval of the Qini of fixed scores ``uplift``.

    Each resample draws the treated and the control units with replacement, each arm at its own size, and
    recomputes ``uplift_curve`` / ``auuc_qini`` with the same scores. NaN, NaN when a resample has an empty bin arm.
    """
    u, yy, t = np.asarray(uplift, dtype=float), np.asarray(y, dtype=float), np.asarray(treated, dtype=bool)
    rng = np.random.default_rng(seed)
    idx_t, idx_c = np.flatnonzero(t), np.flatnonzero(~t)
    qinis = np.empty(n_boot)
    for b in range(n_boot):
        pick = np.concatenate([rng.choice(idx_t, len(idx_t)), rng.choice(idx_c, len(idx_c))])
        qinis[b] = auuc_qini(uplift_curve(u[pick], yy[pick], t[pick], bins))[1]
    if np.isnan(qinis).any():
        return float("nan"), float("nan")
    low, high = np.quantile(qinis, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def top_group(features: pd.DataFrame, uplift: np.ndarray, bins: int = 10) -> tuple[str, float, float]:
    """Return (``"column=value"``, its share in the top bin, its share overall) for the categorical feature value
    most over-represented among the units with the highest predicted uplift (ratio of the two shares)."""
    n_top = max(1, int(round(len(features) / bins)))
    top = features.iloc[np.argsort(-np.asarray(uplift, dtype=float), kind="stable")[:n_top]]
    best = ("", 0.0, 0.0, 0.0)
    for col in features.columns:
        if pd.api.types.is_numeric_dtype(features[col]):
            continue
        overall = features[col].astype(str).value_counts(normalize=True)
        in_top = top[col].astype(str).value_counts(normalize=True)
        for value, share in in_top.items():
            ratio = share / overall[value]
            if ratio > best[3]:
                best = (f"{col}={value}", float(share), float(overall[value]), float(ratio))
    return best[0], best[1], best[2]


def _design(features: pd.DataFrame) -> pd.DataFrame:
    """Numeric columns as they are, text columns one-hot encoded (every level kept, sorted)."""
    text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    out = pd.get_dummies(features.astype({c: str for c in text}), columns=text, dtype=float)
    out.columns = [f"f{i}" for i in range(out.shape[1])]  # LightGBM needs plain feature names
    return out


def t_learner(data: pd.DataFrame, *, features: Sequence[str], outcome: str, variant_col: str, control_label: str,
              variant: str, seed: int, alpha: float, test_share: float = 0.3, bins: int = 10,
              n_estimators: int = 60) -> UpliftResult:
    """Fit the T-learner for ``variant`` vs control on ``features`` and score it on the held-out units.

    LightGBM regressors (``n_jobs=1``, seeded, 4-leaf trees with at least 2% of an arm's training units per leaf:
    near-additive and robust on a noisy per-unit outcome). Raises ``DataInputError`` naming ``uplift_features``
    when a feature column is missing or fewer than 200 units per arm are available.
    """
    import lightgbm as lgb

    missing = [f for f in features if f not in data.columns]
    if missing:
        raise DataInputError(f"uplift_features: columns {missing} not found in the analysed table")
    arm = data[variant_col].astype(str)
    part = data[arm.isin([str(variant), str(control_label)])].reset_index(drop=True)
    treated = (part[variant_col].astype(str) == str(variant)).to_numpy()
    if min(treated.sum(), (~treated).sum()) < 200:
        raise DataInputError("uplift_features: the uplift model needs at least 200 units per arm")
    rng = np.random.default_rng(seed)
    test = np.zeros(len(part), dtype=bool)
    for arm_mask in (treated, ~treated):  # stratified by variant
        idx = np.flatnonzero(arm_mask)
        test[rng.choice(idx, int(round(len(idx) * test_share)), replace=False)] = True
    x = _design(part[list(features)])
    y = part[outcome].to_numpy(float)
    models = {}
    for name, mask in (("t", treated & ~test), ("c", ~treated & ~test)):
        params = {"n_estimators": n_estimators, "learning_rate": 0.1, "num_leaves": 4,
                  "min_child_samples": max(20, int(mask.sum()) // 50), "random_state": seed, "n_jobs": 1,
                  "verbose": -1}
        models[name] = lgb.LGBMRegressor(**params).fit(x[mask], y[mask])
    tau = models["t"].predict(x[test]) - models["c"].predict(x[test])
    curve = uplift_curve(tau, y[test], treated[test], bins)
    auuc, qini = auuc_qini(curve)
    low, high = qini_interval(tau, y[test], treated[test], bins=bins, alpha=alpha, seed=seed + 2)
    group, share, base = top_group(part.loc[test, list(features)].reset_index(drop=True), tau, bins)
    return UpliftResult(curve, auuc, qini, low, high, group, share, base, int((~test).sum()), int(test.sum()))
