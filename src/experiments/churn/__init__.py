"""Churn prediction, reasons and retention actions (notebook ``04_churn_prediction``).

Modules, one idea each: ``labels`` (who churned: no purchase within ``label_days`` after the snapshot),
``features`` (company-world features as of a snapshot, no look-ahead), ``flat`` (one-row-per-customer tables: label,
types, blanks), ``models`` (LightGBM with native categoricals and early stopping; logistic regression and random
forest baselines), ``evaluation`` (ROC-AUC, PR-AUC, Brier, top-decile lift, bootstrap intervals), ``calibration``
(none / Platt / isotonic chosen on held-out data), ``reasons`` (LightGBM ``pred_contrib`` SHAP values as sentences),
``actions`` (value at risk, profit cut-off, action per tier), ``company`` (reads the processed tables),
``pipeline`` (the whole analysis for the notebook), ``churn_charts`` (charts).
"""
