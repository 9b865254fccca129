"""Figures for the churn report: each titled with its finding, axes labelled with units (matplotlib only)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.lab.chart_style import data_label, finish

BLUE, ORANGE, GREY, RED, GREEN = "#1e5aa8", "#e07b00", "#8a8a8a", "#c0392b", "#2e8b57"
MODEL_LABELS = {"lgbm": "LightGBM", "logreg": "Logistic regression", "rf": "Random forest"}


def label(value: object, max_chars: int = 40) -> str:
    """A data-derived chart label (``lab.chart_style.data_label``)."""
    return data_label(value, max_chars)


def model_chart(comparison: pd.DataFrame) -> Figure:
    """ROC-AUC of each model with its 95% bootstrap interval (a forest plot)."""
    c = comparison.sort_values("roc_auc")
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(c) + 1.5))
    y = np.arange(len(c))
    best = c["roc_auc"].idxmax()
    for yi, (name, r) in zip(y, c.iterrows(), strict=True):
        color = BLUE if name == best else GREY
        ax.plot([r["roc_auc_low"], r["roc_auc_high"]], [yi, yi], color=color, lw=2)
        ax.plot(r["roc_auc"], yi, "o", color=color)
    ax.set_yticks(y, [MODEL_LABELS.get(n, label(n)) for n in c.index])
    overlap = c["roc_auc_low"].max() < c["roc_auc_high"].min()
    title = (f"{MODEL_LABELS.get(best, best)} ranks best (ROC-AUC {c.loc[best, 'roc_auc']:.3f}); "
             + ("the intervals overlap" if overlap else "the intervals do not all overlap"))
    return finish(fig, ax, title, "ROC-AUC on the test customers (95% bootstrap interval)", "model", fontsize=11)


def reliability_chart(reliability: pd.DataFrame, method: str) -> Figure:
    """Observed churn rate against predicted risk per decile of risk, raw and calibrated LightGBM."""
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ax.plot([0, 100], [0, 100], color=GREY, lw=1, ls="--", label="perfect calibration")
    for version, color in (("raw", GREY), ("calibrated", BLUE)):
        if version in reliability.index.get_level_values(0):
            r = reliability.loc[version]
            ax.plot(r["predicted"] * 100, r["observed"] * 100, "o-", color=color, label=f"LightGBM {version}")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.legend(frameon=False, loc="upper left")
    cal = reliability.loc["calibrated"]
    gap = float(np.mean(np.abs(cal["predicted"] - cal["observed"])) * 100)
    title = (f"Calibrated risk ({method}) is within {gap:.0f} pp of the observed rate on average"
             if method != "none" else f"Raw LightGBM risk is kept: within {gap:.0f} pp of the observed rate")
    return finish(fig, ax, title, "predicted churn risk (%)", "observed churn rate (%)", fontsize=11)


def importance_chart(importance: pd.Series, top: int = 12) -> Figure:
    """Mean |SHAP| (log-odds) of the top features: what drives the predicted risk overall."""
    imp = importance.head(top)
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(imp) + 1.4))
    ax.barh(np.arange(len(imp))[::-1], imp.to_numpy(), color=BLUE)
    ax.set_yticks(np.arange(len(imp))[::-1], [label(i) for i in imp.index])
    share = imp.iloc[:3].sum() / max(importance.sum(), 1e-12)
    title = f"{label(imp.index[0])} drives risk most; the top three carry {share:.0%} of the attribution"
    return finish(fig, ax, title, "mean |SHAP value| (log-odds of churn)", "feature", fontsize=11)


def gain_lift_chart(gains: pd.DataFrame) -> Figure:
    """Cumulative gain and lift by decile of predicted risk on the test customers."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    x = np.r_[0, gains["share_contacted"].to_numpy()] * 100
    a1.plot(x, np.r_[0, gains["gain"].to_numpy()] * 100, "o-", color=BLUE, label="model")
    a1.plot([0, 100], [0, 100], ls="--", color=GREY, label="random")
    a1.legend(frameon=False)
    g30 = float(np.interp(30, x, np.r_[0, gains["gain"].to_numpy()] * 100))
    finish(fig, a1, f"Calling the riskiest 30% reaches {g30:.0f}% of churners", "customers contacted (%)",
           "churners reached (%)", fontsize=11)
    a2.bar(gains.index, gains["lift"], color=BLUE)
    a2.axhline(1, color=GREY, ls="--")
    finish(fig, a2, f"Top decile: {gains['lift'].iloc[0]:.1f}x the average churn rate", "decile of risk (1 = highest)",
           "cumulative lift (x)", fontsize=11)
    return fig


def profit_chart(curve: pd.DataFrame, cutoff: dict, currency: str = "") -> Figure:
    """Expected profit of the campaign against the share of customers contacted, with the chosen cut-off."""
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(curve["share_contacted"] * 100, curve["expected_profit"], color=BLUE, label="expected profit")
    if "realised_profit" in curve:
        ax.plot(curve["share_contacted"] * 100, curve["realised_profit"], color=ORANGE, label="realised (test)")
        ax.legend(frameon=False)
    x = cutoff["share_contacted"] * 100
    ax.axvline(x, color=RED, ls="--")
    ax.annotate(f"cut-off: contact {x:.0f}%", (x, cutoff["expected_profit"]), xytext=(5, -15),
                textcoords="offset points", color=RED)
    ax.axhline(0, color=GREY, lw=0.8)
    title = (f"Contacting {cutoff['contacted']:,} customers ({x:.0f}%) maximises expected profit "
             f"({cutoff['expected_profit']:,.0f}{currency})")
    return finish(fig, ax, title, "customers contacted, highest expected gain first (%)", "expected profit",
                  fontsize=11)
