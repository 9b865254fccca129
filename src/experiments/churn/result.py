"""The ``Result`` of notebook 04 (``analysis.run``): every table the report shows, ``metrics()`` for metrics.json and
``publish()`` for the two output tables.

``churn_scores`` (every scored customer) and ``churn_actions`` (the contact list, ranked) are published atomically,
under the lock, where every analysis publishes (``processed.publish_results``): ``data/processed`` on the company
world, for other notebooks and the retention team; ``data/interim/flat/processed`` for a flat table, so an external
table never replaces the company's scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.churn import calibration, metrics, models
from experiments.churn.config import Config
from experiments.data.inputs import InputTable

SCORE_COLUMNS = ["customer_id", "churn_probability", "tier", "customer_value", "value_at_risk", "expected_gain",
                 "contact", "action", "main_driver", "main_feature", "reason_1", "reason_2", "reason_3", "reasons"]
ACTION_COLUMNS = ["customer_id", "churn_probability", "tier", "customer_value", "value_at_risk", "expected_gain",
                  "main_driver", "main_feature", "reasons"]
#: Not published: 09 (next_best_actions) is the one decider of actions; 04's driver-rule suggestion stays in its report.
UNPUBLISHED_COLUMNS = ["action"]


@dataclass(kw_only=True)
class Result:
    """Everything the report shows; see ``metrics`` for the metrics.json keys."""

    config: Config
    input: InputTable
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
    test_check: dict  # the contact rule on the test customers: contacted, expected_profit, realised_profit
    scores: pd.DataFrame
    curve: pd.DataFrame
    cutoff: dict
    value_basis: str
    notes: list[str] = field(default_factory=list)
    cross_fitted: int = 0  # folds that scored the training rows out of fold (flat table), 0 when not needed
    extra: dict = field(default_factory=dict)
    published: list[str] = field(default_factory=list)  # "folder/table.parquet (rows)" per table, after publish()

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

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The named tables the report shows."""
        return {"comparison": self.comparison, "reliability": self.reliability, "gains": self.gains,
                "curve": self.curve, "scores": self.scores, "contacts": self.contacts,
                "importance": self.importance.rename("mean_abs_shap").to_frame()}

    def metrics(self) -> dict[str, Any]:
        """Return the flat metrics.json dict (keys documented in conf/runs.yaml)."""
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
            "lgbm_brier_calibrated": round(metrics.brier(ytest, self.test_calibrated), 4),
            "n_scored": int(len(self.scores)), "n_contacted": int(self.cutoff["contacted"]),
            "n_worth_contacting": int(self.cutoff["worth_contacting"]),
            "share_contacted": round(float(self.cutoff["share_contacted"]), 4),
            "expected_profit": round(float(self.cutoff["expected_profit"]), 2),
            "value_at_risk_contacted": round(float(self.contacts["value_at_risk"].sum()), 2),
            "test_realised_profit": round(float(self.test_check["realised_profit"]), 2),
            "test_expected_profit": round(float(self.test_check["expected_profit"]), 2),
        })
        m.update(self.extra)
        return m

    def output_tables(self) -> dict[str, pd.DataFrame]:
        """Return ``{"churn_scores": ..., "churn_actions": ...}`` keyed by ``customer_id`` (string): the risk list
        and its reasons, without 04's suggested action (``UNPUBLISHED_COLUMNS``: 09 decides actions)."""
        scores = self.scores.drop(columns=UNPUBLISHED_COLUMNS, errors="ignore")
        scores["customer_id"] = scores["customer_id"].astype(str)
        extra = [c for c in ("segment",) if c in scores.columns]
        contact_list = scores.loc[scores["contact"], ACTION_COLUMNS + extra].reset_index(drop=True)
        contact_list.insert(0, "rank", range(1, len(contact_list) + 1))
        return {"churn_scores": scores, "churn_actions": contact_list}

    def publish(self) -> Path:
        """Publish ``churn_scores`` and ``churn_actions`` (``processed.publish_results``: data/processed on the
        company world, data/interim/flat/processed for a flat table); return the folder. ``published`` then says
        what went where."""
        from experiments.data import processed

        tables = self.output_tables()
        folder = processed.publish_results(tables, company_world=self.is_company_world)
        shown = processed.results_label(self.is_company_world)
        self.published = [f"{shown}/{name}.parquet ({len(df):,} rows)" for name, df in tables.items()
                          if (folder / f"{name}.parquet").is_file()]
        return folder


__all__ = ["ACTION_COLUMNS", "SCORE_COLUMNS", "UNPUBLISHED_COLUMNS", "Result"]
