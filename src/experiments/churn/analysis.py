"""The whole churn analysis behind notebook 04: fit, compare, calibrate, explain, score and choose whom to contact.

``run(config, data=None) -> Result``. On the company world the models learn from features as of the snapshot with
labels from the ``label_days`` after it, and the contact list is scored on features as of the score date ("this
week"). On a flat table (one row per customer with a label) every row is scored: the held-out test customers by the
compared LightGBM model, the customers it trained on out of fold (``crossfit``), so no published score comes from a
model that saw the customer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from experiments.churn import actions, calibration, crossfit, features, labels, metrics, models, reasons, valuation
from experiments.churn.config import Config
from experiments.churn.result import SCORE_COLUMNS, Result
from experiments.churn.sources import Data, load

IMPORTANCE_ROWS = 5000
"""Test customers (a random subset when there are more) the global importance is averaged over."""
CATEGORY_FEATURES = 6
"""Company world: product categories (the most bought before the snapshot) that get a spend-share feature."""


def _analyse(cfg: Config, data: Data, X: pd.DataFrame, y: pd.Series, *, score_X: pd.DataFrame,
             score_value: pd.Series, test_value: pd.Series, value_basis: str, notes: Sequence[str] = (),
             score_extra: pd.DataFrame | None = None, cross_fit: bool = False) -> Result:
    """Fit the three models on one split of (``X``, ``y``), compare them on the test rows, calibrate LightGBM on
    the validation rows, explain it with SHAP, and score ``score_X`` (valued at ``score_value``) into the contact
    list. ``test_value`` values the test customers for the realised-profit check. With ``cross_fit`` (``score_X`` is
    ``X``) the training rows are scored out of fold."""
    split = models.split_rows(y.to_numpy(), cfg.test_fraction, cfg.seed)
    fitted = models.fit_all(X, y, split, cfg.seed, models.RF_TREES, cfg.learning_rate)
    yv, yt = y.iloc[split.valid].to_numpy(), y.iloc[split.test].to_numpy()
    cal, cal_scores = calibration.choose_calibration(fitted.valid_proba["lgbm"], yv, cfg.seed)
    test_cal = cal(fitted.test_proba["lgbm"])
    comparison = metrics.compare_models(yt, fitted.test_proba, n_boot=cfg.n_boot, seed=cfg.seed)
    diff = metrics.paired_difference(yt, fitted.test_proba["lgbm"], fitted.test_proba["logreg"],
                                     n_boot=cfg.n_boot, seed=cfg.seed)
    rel = pd.concat({"raw": calibration.reliability_table(yt, fitted.test_proba["lgbm"]),
                     "calibrated": calibration.reliability_table(yt, test_cal)}, names=["version", "bin"])
    tv = test_value.reindex(X.index).iloc[split.test].fillna(0.0).to_numpy(float)
    test_check = actions.rule_check(test_cal, tv, yt, cfg.campaign_cost, cfg.campaign_success_rate)

    imp_rows = np.sort(np.random.default_rng(cfg.seed).permutation(split.test)[:IMPORTANCE_ROWS])
    p_raw = models.predict(fitted, score_X)
    contrib = reasons.contributions(fitted.lgbm, score_X)
    trained = np.concatenate([split.fit, split.valid])
    if cross_fit:
        oof = crossfit.cross_fit(X, y, trained, fitted.best_iteration, cfg.seed, learning_rate=cfg.learning_rate)
        p_raw[oof.rows] = oof.proba
        contrib.iloc[oof.rows] = oof.contributions.to_numpy()
    why = reasons.reasons(contrib, score_X)
    scores = pd.DataFrame({"customer_id": score_X.index.astype(str), "churn_probability": cal(p_raw),
                           "customer_value": score_value.reindex(score_X.index).to_numpy(float)})
    scores = pd.concat([scores, why.reset_index(drop=True)], axis=1)
    scores = actions.action_table(scores, cfg.campaign_cost, cfg.campaign_success_rate, cfg.tier_cuts,
                                  cfg.max_contacts)
    extra_cols = []
    if score_extra is not None:
        scores = scores.merge(score_extra, left_on="customer_id", right_index=True, how="left")
        extra_cols = list(score_extra.columns)
    scores = scores[SCORE_COLUMNS + extra_cols].reset_index(drop=True)
    curve = actions.profit_curve(scores["churn_probability"], scores["customer_value"], cfg.campaign_cost,
                                 cfg.campaign_success_rate)
    cutoff = actions.choose_cutoff(scores["churn_probability"], scores["customer_value"], cfg.campaign_cost,
                                   cfg.campaign_success_rate, cfg.max_contacts)
    return Result(
        config=cfg, input=data.input, source=data.input.source if not data.is_company_world else "company world",
        X=X, y=y, split=split, fitted=fitted, calibrator=cal, calibration_scores=cal_scores, comparison=comparison,
        lgbm_vs_logreg=diff, test_calibrated=test_cal, reliability=rel,
        importance=reasons.global_importance(reasons.contributions(fitted.lgbm, X.iloc[imp_rows])),
        gains=metrics.gain_table(yt, test_cal), test_check=test_check, scores=scores, curve=curve, cutoff=cutoff,
        value_basis=value_basis, notes=list(notes), cross_fitted=crossfit.FOLDS if cross_fit else 0)


def _company(cfg: Config, data: Data) -> Result:
    """Train on features as of the snapshot with labels from the ``label_days`` after it; score every customer
    with a purchase before the score date using features as of the score date."""
    inp, snapshot, score_date = data.company, data.snapshot, data.score_date
    y = labels.churn_labels(inp.orders, snapshot, cfg.label_days).set_index("customer_id")["churned"]
    cats = features.top_categories(inp.orders, inp.items, snapshot, CATEGORY_FEATURES)
    kw = {"categories": cats, "late_days": cfg.late_days, "scored": inp.scored, "contacts": inp.contacts,
          "engine": cfg.data_engine()}
    X = features.build_features(inp.orders, inp.items, inp.feedback, snapshot, **kw).loc[y.index]
    score_X = features.build_features(inp.orders, inp.items, inp.feedback, score_date, **kw)[list(X.columns)]
    value, basis = valuation.customer_value(inp.orders, inp.segments, score_date, score_X.index)
    test_value = valuation.annual_spend(inp.orders, snapshot, X.index)
    extra = None
    if inp.segments is not None and "segment" in inp.segments.columns:
        extra = inp.segments.set_index("customer_id")[["segment"]]
    r = _analyse(cfg, data, X, y, score_X=score_X, score_value=value, test_value=test_value, value_basis=basis,
                 notes=inp.notes, score_extra=extra)
    r.extra.update({"snapshot_date": f"{snapshot:%Y-%m-%d}", "score_date": f"{score_date:%Y-%m-%d}",
                    "label_days": int(cfg.label_days)})
    return r


def _flat(cfg: Config, data: Data) -> Result:
    """Analyse a flat table: every row is scored out of sample (rows the compared models trained on are flagged
    ``in_training`` and scored by cross-fitting); a customer's value is the value column when given, else
    ``customer_value``."""
    table = data.flat
    X, y = table.X, table.y
    if data.value is not None:
        v, basis = data.value.astype(float), "the value column"
    else:
        v = pd.Series(cfg.customer_value, index=X.index, dtype=float)
        basis = f"a flat {cfg.customer_value:,.0f} per customer"
    r = _analyse(cfg, data, X, y, score_X=X, score_value=v, test_value=v, value_basis=basis, notes=table.notes,
                 cross_fit=True)
    from experiments.common.masking import mask_pii

    trained = set(X.index[np.concatenate([r.split.fit, r.split.valid])])
    r.scores["in_training"] = r.scores["customer_id"].isin(trained)
    for col in ("reason_1", "reason_2", "reason_3", "reasons"):
        r.scores[col] = r.scores[col].map(mask_pii)
    r.extra["n_blank_values"] = int(sum(table.blank_counts.values()))
    return r


def run(config: Config, data: Data | None = None) -> Result:
    """Run the churn analysis on ``data`` (read with ``sources.load(config)`` when not given)."""
    data = data if data is not None else load(config)
    return _company(config, data) if data.is_company_world else _flat(config, data)


__all__ = ["run"]
