"""The whole churn analysis behind notebook 04: fit, compare, calibrate, explain, score and choose whom to contact.

``run_company`` builds features and labels from the company world (train at the snapshot, score the contact list at
the score date, "this week"); ``run_flat`` takes one row per customer with a label. Both end in ``analyse``, which
returns a ``ChurnAnalysis`` holding every table the report shows and ``metrics()`` for metrics.json.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from experiments.churn import actions, calibration, evaluation, features, labels, models, reasons
from experiments.churn.company import CompanyInputs, annual_spend, customer_value
from experiments.churn.flat import FlatTable

IMPORTANCE_ROWS = 5000
"""Test customers (a random subset when there are more) the global importance is averaged over."""
SCORE_COLUMNS = ["customer_id", "churn_probability", "tier", "customer_value", "value_at_risk", "expected_gain",
                 "contact", "action", "main_driver", "main_feature", "reason_1", "reason_2", "reason_3", "reasons"]


@dataclass
class Settings:
    """The analysis parameters shared by both inputs."""

    test_fraction: float = 0.2
    seed: int = 42
    campaign_cost: float = 5.0
    campaign_success_rate: float = 0.2
    n_boot: int = 500
    tier_cuts: Sequence[float] = (0.3, 0.6)
    rf_trees: int = 100
    max_contacts: int = 0


@dataclass
class ChurnAnalysis:
    """Everything the report shows; see ``metrics`` for the metrics.json keys."""

    source: str
    X: pd.DataFrame
    y: pd.Series
    split: models.Split
    fitted: models.Fitted
    calibrator: calibration.Calibrator
    calibration_scores: pd.Series
    comparison: pd.DataFrame
    lgbm_vs_logreg: dict
    test_calibrated: np.ndarray
    reliability: pd.DataFrame
    importance: pd.Series
    gains: pd.DataFrame
    test_curve: pd.DataFrame
    scores: pd.DataFrame
    curve: pd.DataFrame
    cutoff: dict
    settings: Settings
    value_basis: str
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def is_company_world(self) -> bool:
        """True for a run on the company world (it has a snapshot date; a flat table has none)."""
        return "snapshot_date" in self.extra

    @property
    def contacts(self) -> pd.DataFrame:
        """The contact list: customers worth contacting, highest expected gain first."""
        return self.scores.loc[self.scores["contact"]].reset_index(drop=True)

    @property
    def best_model(self) -> str:
        """The model with the highest test ROC-AUC."""
        return str(self.comparison["roc_auc"].idxmax())

    def metrics(self) -> dict:
        """Return the flat metrics.json dict (keys documented in conf/runs.yaml and README)."""
        c = self.comparison
        m: dict = {}
        for name in c.index:
            for k in ("roc_auc", "pr_auc", "brier"):
                m[f"{name}_{k}"] = round(float(c.loc[name, k]), 4)
            m[f"{name}_roc_auc_low"] = round(float(c.loc[name, "roc_auc_low"]), 4)
            m[f"{name}_roc_auc_high"] = round(float(c.loc[name, "roc_auc_high"]), 4)
        d = self.lgbm_vs_logreg
        ytest = self.y.iloc[self.split.test].to_numpy()
        m.update({
            "top_decile_lift": round(float(c.loc["lgbm", "top_decile_lift"]), 3),
            "top_decile_lift_low": round(float(c.loc["lgbm", "top_decile_lift_low"]), 3),
            "top_decile_lift_high": round(float(c.loc["lgbm", "top_decile_lift_high"]), 3),
            "lgbm_minus_logreg_roc_auc": round(d["diff"], 4), "lgbm_minus_logreg_low": round(d["low"], 4),
            "lgbm_minus_logreg_high": round(d["high"], 4),
            "n_train": int(len(self.split.fit) + len(self.split.valid)), "n_test": int(len(self.split.test)),
            "positive_rate": round(float(self.y.mean()), 4), "best_model": self.best_model,
            "lgbm_trees": self.fitted.best_iteration, "calibration": self.calibrator.method,
            "lgbm_brier_calibrated": round(evaluation.brier(ytest, self.test_calibrated), 4),
            "n_scored": int(len(self.scores)), "n_contacted": int(self.cutoff["contacted"]),
            "n_worth_contacting": int(self.cutoff["worth_contacting"]),
            "share_contacted": round(float(self.cutoff["share_contacted"]), 4),
            "expected_profit": round(float(self.cutoff["expected_profit"]), 2),
            "value_at_risk_contacted": round(float(self.contacts["value_at_risk"].sum()), 2),
            "test_realised_profit": round(float(self._test_profit("realised_profit")), 2),
            "test_expected_profit": round(float(self._test_profit("expected_profit")), 2),
        })
        m.update(self.extra)
        return m

    def _test_profit(self, column: str) -> float:
        tc = self.test_curve
        k = int((tc["gain"] > 0).sum())
        return float(tc[column].iloc[k])


def analyse(X: pd.DataFrame, y: pd.Series, *, score_X: pd.DataFrame, score_value: pd.Series,
            test_value: pd.Series, settings: Settings, source: str, value_basis: str,
            notes: Sequence[str] = (), score_extra: pd.DataFrame | None = None) -> ChurnAnalysis:
    """Fit the three models on one split of (``X``, ``y``), compare them on the test rows, calibrate LightGBM on
    the validation rows, explain it with SHAP, and score ``score_X`` (valued at ``score_value``) into the contact
    list. ``test_value`` values the test customers for the realised-profit check."""
    s = settings
    split = models.split_rows(y.to_numpy(), s.test_fraction, s.seed)
    fitted = models.fit_all(X, y, split, s.seed, s.rf_trees)
    yv, yt = y.iloc[split.valid].to_numpy(), y.iloc[split.test].to_numpy()
    cal, cal_scores = calibration.choose_calibration(fitted.valid_proba["lgbm"], yv, s.seed)
    test_cal = cal(fitted.test_proba["lgbm"])
    comparison = evaluation.compare_models(yt, fitted.test_proba, n_boot=s.n_boot, seed=s.seed)
    diff = evaluation.paired_difference(yt, fitted.test_proba["lgbm"], fitted.test_proba["logreg"],
                                        n_boot=s.n_boot, seed=s.seed)
    rel = pd.concat({"raw": calibration.reliability_table(yt, fitted.test_proba["lgbm"]),
                     "calibrated": calibration.reliability_table(yt, test_cal)}, names=["version", "bin"])
    tv = test_value.reindex(X.index).iloc[split.test].fillna(0.0).to_numpy(float)
    tcurve = actions.profit_curve(test_cal, tv, s.campaign_cost, s.campaign_success_rate, outcome=yt)
    tcurve["gain"] = np.concatenate([[np.inf], np.sort(actions.expected_gain(
        test_cal, tv, s.campaign_cost, s.campaign_success_rate))[::-1]])

    imp_rows = np.sort(np.random.default_rng(s.seed).permutation(split.test)[:IMPORTANCE_ROWS])
    p_score = cal(models.predict(fitted, score_X))
    contrib = reasons.contributions(fitted.lgbm, score_X)
    why = reasons.reasons(contrib, score_X)
    scores = pd.DataFrame({"customer_id": score_X.index.astype(str), "churn_probability": p_score,
                           "customer_value": score_value.reindex(score_X.index).to_numpy(float)})
    scores = pd.concat([scores, why.reset_index(drop=True)], axis=1)
    scores = actions.action_table(scores, s.campaign_cost, s.campaign_success_rate, s.tier_cuts, s.max_contacts)
    extra_cols = []
    if score_extra is not None:
        scores = scores.merge(score_extra, left_on="customer_id", right_index=True, how="left")
        extra_cols = list(score_extra.columns)
    scores = scores[SCORE_COLUMNS + extra_cols].reset_index(drop=True)
    curve = actions.profit_curve(scores["churn_probability"], scores["customer_value"], s.campaign_cost,
                                 s.campaign_success_rate)
    cutoff = actions.choose_cutoff(scores["churn_probability"], scores["customer_value"], s.campaign_cost,
                                   s.campaign_success_rate, s.max_contacts)
    return ChurnAnalysis(
        source=source, X=X, y=y, split=split, fitted=fitted, calibrator=cal, calibration_scores=cal_scores,
        comparison=comparison, lgbm_vs_logreg=diff, test_calibrated=test_cal, reliability=rel,
        importance=reasons.global_importance(reasons.contributions(fitted.lgbm, X.iloc[imp_rows])),
        gains=evaluation.gain_table(yt, test_cal), test_curve=tcurve,
        scores=scores, curve=curve, cutoff=cutoff, settings=s, value_basis=value_basis, notes=list(notes))


def run_company(inp: CompanyInputs, *, snapshot: pd.Timestamp, score_date: pd.Timestamp, label_days: int,
                settings: Settings, late_days: int = 5, n_categories: int = 6) -> ChurnAnalysis:
    """Train on features as of ``snapshot`` with labels from the ``label_days`` after it; score every customer
    with a purchase before ``score_date`` using features as of ``score_date``."""
    y = labels.churn_labels(inp.orders, snapshot, label_days).set_index("customer_id")["churned"]
    cats = features.top_categories(inp.orders, inp.items, snapshot, n_categories)
    kw = {"categories": cats, "late_days": late_days, "scored": inp.scored, "contacts": inp.contacts}
    X = features.build_features(inp.orders, inp.items, inp.feedback, snapshot, **kw).loc[y.index]
    score_X = features.build_features(inp.orders, inp.items, inp.feedback, score_date, **kw)[list(X.columns)]
    value, basis = customer_value(inp, score_date, score_X.index)
    test_value = annual_spend(inp.orders, snapshot, X.index)
    extra = None
    if inp.segments is not None and "segment" in inp.segments.columns:
        extra = inp.segments.set_index("customer_id")[["segment"]]
    a = analyse(X, y, score_X=score_X, score_value=value, test_value=test_value, settings=settings,
                source="company world", value_basis=basis, notes=inp.notes, score_extra=extra)
    a.extra.update({"snapshot_date": f"{snapshot:%Y-%m-%d}", "score_date": f"{score_date:%Y-%m-%d}",
                    "label_days": int(label_days)})
    return a


def run_flat(table: FlatTable, *, settings: Settings, source: str, value: pd.Series | None = None,
             default_value: float = 1.0) -> ChurnAnalysis:
    """Analyse a flat table: every row is scored (rows the models trained on are flagged ``in_training``); a
    customer's value is ``value`` when given, else ``default_value``."""
    X, y = table.X, table.y
    v = value.astype(float) if value is not None else pd.Series(default_value, index=X.index, dtype=float)
    basis = "the value column" if value is not None else f"a flat {default_value:,.0f} per customer"
    a = analyse(X, y, score_X=X, score_value=v, test_value=v,
                settings=settings, source=source, value_basis=basis, notes=table.notes)
    trained = set(X.index[np.concatenate([a.split.fit, a.split.valid])])
    from experiments.lab.report.safe import mask_pii  # imported here: the report package is heavy to load

    a.scores["in_training"] = a.scores["customer_id"].isin(trained)
    for col in ("reason_1", "reason_2", "reason_3", "reasons"):
        a.scores[col] = a.scores[col].map(mask_pii)
    a.extra["n_blank_values"] = int(sum(table.blank_counts.values()))
    return a
