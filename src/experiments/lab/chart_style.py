"""Small matplotlib helpers shared by the notebooks: every chart titled with its finding, axes labelled."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def finish(fig: Figure, ax: Axes, title: str, xlabel: str, ylabel: str, fontsize: int = 12) -> Figure:
    """Title ``ax`` with its finding (left-aligned), label both axes, drop the top/right frame; return ``fig``."""
    ax.set_title(title, loc="left", fontsize=fontsize)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def bar_chart(values: pd.Series, title: str, xlabel: str, ylabel: str, horizontal: bool = True) -> Figure:
    """Return a bar chart of ``values`` (index as labels) with a finding as title."""
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.35 * len(values) + 1) if horizontal else 4))
    if horizontal:
        values.iloc[::-1].plot.barh(ax=ax, color="#1e5aa8")
    else:
        values.plot.bar(ax=ax, color="#1e5aa8")
    return finish(fig, ax, title, xlabel, ylabel)


def line_chart(frame: pd.DataFrame, title: str, xlabel: str, ylabel: str) -> Figure:
    """Return one line per column of ``frame`` against its index, with a legend and a finding as title."""
    fig, ax = plt.subplots(figsize=(9, 4))
    frame.plot(ax=ax, marker="o", markersize=3)
    ax.legend(frameon=False)
    return finish(fig, ax, title, xlabel, ylabel)
