"""04's driver rule (``common.driver_rule``) as a policy on 09's held-out campaign customers, to score next to the
learned policy, everyone-X and nobody.

What the rule needs, from the campaign customers' profile as of the send date (``features.as_of_features``):
- churn probability: a LightGBM classifier of "spent less in the 30 days after the send than usual" (below
  ``usual_spend_30d``: the company world's campaign records spend, which is never 0 for its customers) learned on
  the control arm (customers nobody contacted, so their drift is the churn the rule is meant to prevent), each
  customer predicted
  by a model that never saw them (the same folds as the learner's cross-fitting; the learning customers' controls
  when a separate held-out set is scored);
- main driver: the family (``common.driver_rule.driver_group``) of the feature raising that probability most
  (LightGBM's own SHAP contributions), ``none`` when no feature raises it;
- value: spend over the last 180 days x 2 (recent annual spend, 04's value when no CLV is known);
- cost, success rate and tier cuts: 04's own (``campaign_cost``, ``campaign_success_rate``, ``tier_cuts`` from 04's
  parameters, ``RULE_NOTEBOOK``), so the rule is scored as 04 would apply it.
Company world only (a flat campaign has no churn driver features); a rule action the campaign did not test counts as
sending nothing.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd

from experiments.common.driver_rule import NONE, driver_group, rule_actions
from experiments.nba.learner import Settings
from experiments.nba.sources import Data

DRIVER_RULE = "04's driver rule (risk tier and main driver)"
"""The driver rule's row in 09's policy table."""
RULE_NOTEBOOK = "04_churn_prediction"


def rule_settings() -> tuple[float, float, tuple[float, float]]:
    """04's cost per contact, success rate and tier cuts, as 04's parameters cell and conf give them."""
    from experiments.lab.config import notebook_parameters

    p = notebook_parameters(RULE_NOTEBOOK)
    cuts = p["tier_cuts"]
    return float(p["campaign_cost"]), float(p["campaign_success_rate"]), (float(cuts[0]), float(cuts[1]))


def _classifier(settings: Settings) -> lgb.LGBMClassifier:
    return lgb.LGBMClassifier(n_estimators=settings.n_estimators, learning_rate=settings.learning_rate,
                              num_leaves=settings.num_leaves, min_child_samples=settings.min_child_samples,
                              random_state=settings.seed, n_jobs=1, verbose=-1, deterministic=True,
                              force_row_wise=True)


def _risk_and_driver(model: lgb.LGBMClassifier, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    p = model.predict_proba(X)[:, 1]
    contrib = np.asarray(model.predict(X, pred_contrib=True))[:, :-1]
    top = contrib.argmax(axis=1)
    driver = np.array([driver_group(str(c)) for c in X.columns])[top]
    return p, np.where(contrib.max(axis=1) > 0, driver, NONE)


def risk_and_driver(data: Data, settings: Settings, fold: np.ndarray | None) -> pd.DataFrame:
    """Per held-out campaign customer (``data.test``): ``churn_probability`` and ``main_driver`` as of the send date,
    each from a classifier that did not see the customer (``fold``: the cross-fitting folds of ``data.train``)."""
    X, out = data.test.X, pd.DataFrame(index=data.test.X.index, columns=["churn_probability", "main_driver"])
    lapsed = (data.train.y.to_numpy(float) < data.train.X["usual_spend_30d"].to_numpy(float)).astype(int)
    control = data.train.arm.to_numpy() == data.control
    parts = [(np.ones(len(X), bool), control)] if fold is None else \
        [(fold == k, control & (fold != k)) for k in np.unique(fold)]
    for predict, learn in parts:
        model = _classifier(settings).fit(data.train.X[learn], lapsed[learn])
        p, driver = _risk_and_driver(model, X[predict])
        out.loc[predict, "churn_probability"], out.loc[predict, "main_driver"] = p, driver
    return out.astype({"churn_probability": float})


def driver_rule_policy(data: Data, settings: Settings, fold: np.ndarray | None) -> np.ndarray | None:
    """The driver rule's arm for every held-out campaign customer (``data.control`` for none), or None off the
    company world."""
    if not data.is_company_world:
        return None
    cost, success, cuts = rule_settings()
    risk = risk_and_driver(data, settings, fold)
    value = 2.0 * data.test.X["spend_180d"].to_numpy(float)
    action = rule_actions(risk["churn_probability"].to_numpy(), value, risk["main_driver"].to_numpy(), cost, success,
                          cuts)
    return np.where(np.isin(action, [a for a in data.arms if a != data.control]), action, data.control).astype(object)
