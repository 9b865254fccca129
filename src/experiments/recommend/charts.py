"""Charts of notebook 03: the model comparison, the validation search, and the list mix. Titles state findings."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.lab.chart_style import finish
from experiments.lab.report import safe

LABELS = {"als": "ALS", "bpr": "BPR", "itemknn": "item-item kNN", "popular": "most popular", "random": "random"}


def model_chart(results: pd.DataFrame, chosen: str, k: int) -> Figure:
    """Return bars of NDCG@k and precision@k per model (test split), the chosen model highlighted."""
    r = results.sort_values("ndcg_at_k")
    fig, ax = plt.subplots(figsize=(8, 3.6))
    y = np.arange(len(r))
    colors = ["#1e5aa8" if m == chosen else "#9bb4d6" for m in r.index]
    ax.barh(y + 0.2, r["ndcg_at_k"], height=0.38, color=colors, label=f"NDCG@{k}")
    ax.barh(y - 0.2, r["precision_at_k"], height=0.38, color="#d98c1f", label=f"precision@{k}")
    ax.set_yticks(y, [LABELS.get(m, m) for m in r.index])
    for yi, v in zip(y, r["ndcg_at_k"], strict=True):
        ax.text(v, yi + 0.2, f" {v:.3f}", va="center", fontsize=8)
    ax.legend(frameon=False, loc="lower right")
    best, pop = r.loc[chosen, "ndcg_at_k"], r.loc["popular", "ndcg_at_k"]
    verdict = "beats" if best > pop else "does not beat"
    title = (f"{LABELS.get(chosen, chosen)} {verdict} the most-popular list: NDCG@{k} {best:.3f} vs {pop:.3f} "
             "on held-out purchases")
    return finish(fig, ax, title, "score on the test split (0 to 1, higher is better)", "model")


def search_chart(search: pd.DataFrame) -> Figure:
    """Return validation NDCG@k of every fitted combination, one panel per model, best marked."""
    models = list(dict.fromkeys(search["model"]))
    fig, axes = plt.subplots(1, len(models), figsize=(3.4 * len(models), 3.4), squeeze=False)
    for ax, m in zip(axes[0], models, strict=True):
        g = search[search["model"] == m].reset_index(drop=True)
        best = int(g["ndcg_at_k"].idxmax())
        ax.bar(np.arange(len(g)), g["ndcg_at_k"], color=["#1e5aa8" if i == best else "#9bb4d6"
                                                          for i in range(len(g))])
        ax.set_xticks(np.arange(len(g)), [str(i + 1) for i in range(len(g))], fontsize=7)
        finish(fig, ax, f"{LABELS.get(m, m)}: best is #{best + 1}", "combination (see table)", "validation NDCG@k",
               fontsize=10)
    fig.suptitle("Parameters chosen on a validation split carved from training, never on the test split",
                 x=0.01, ha="left", fontsize=12)
    fig.tight_layout()
    return fig


def category_mix_chart(recs: pd.DataFrame, categories: pd.Series) -> Figure | None:
    """Return the share of each category in the published lists vs in past purchases; None without categories."""
    if categories is None or recs.empty:
        return None
    shown = recs["item_id"].map(categories).value_counts(normalize=True)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    shown.sort_values().plot.barh(ax=ax, color="#1e5aa8")
    top = safe.mask_pii(str(shown.index[0]))[:40]
    return finish(fig, ax, f"{top} leads the recommended items ({shown.iloc[0]:.0%} of list slots)",
                  "share of list slots", "category")
