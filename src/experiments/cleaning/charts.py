"""Matplotlib figures of the cleaning report (titles state the finding; axes carry units). The ``*_of(result)``
functions draw one section of notebook 01 from the ``Result`` (None where a flat table has nothing to draw)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from experiments.cleaning.present import missingness_before_after
from experiments.cleaning.result import Result


def reconciliation_chart(rec: pd.DataFrame) -> plt.Figure:
    """Stacked bars per source: rows kept vs quarantined (the two add up to the rows read)."""
    rec = rec.sort_values("rows_in")
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rec) + 1.5))
    ax.barh(rec["source"], rec["rows_out"], label="kept")
    ax.barh(rec["source"], rec["rows_quarantined"], left=rec["rows_out"], label="quarantined", color="tab:red")
    share = rec["rows_quarantined"].sum() / max(rec["rows_in"].sum(), 1)
    ax.set_title(f"Every raw row is accounted for: {share:.2%} quarantined, the rest kept")
    ax.set_xlabel("rows")
    ax.set_xscale("log")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def missingness_chart(before: pd.Series, after: pd.Series, title: str) -> plt.Figure:
    """Grouped bars: share missing per field before and after cleaning (in %)."""
    df = pd.DataFrame({"raw records": before * 100, "golden customers": after * 100}).fillna(0)
    fig, ax = plt.subplots(figsize=(8, 3.5))
    df.plot.bar(ax=ax, rot=0)
    ax.set_ylabel("missing (%)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def rules_chart(log: pd.DataFrame) -> plt.Figure:
    """Horizontal bars: how often each rule fired, coloured by action."""
    t = log[log["n_rows"] > 0].groupby(["rule", "action"], as_index=False)["n_rows"].sum().sort_values("n_rows")
    colors = {"quarantine": "tab:red", "null": "tab:orange", "fix": "tab:green", "flag": "tab:gray"}
    fig, ax = plt.subplots(figsize=(8, 0.4 * max(len(t), 1) + 1.5))
    ax.barh(t["rule"] + " (" + t["action"] + ")", t["n_rows"], color=[colors.get(a, "tab:blue") for a in t["action"]])
    top = t.iloc[-1] if len(t) else None
    ax.set_title(f"Most frequent issue: {top['rule']} ({int(top['n_rows']):,} rows)" if top is not None
                 else "No rule fired")
    ax.set_xlabel("rows affected")
    fig.tight_layout()
    return fig


def cluster_size_chart(source_ids: pd.Series) -> plt.Figure:
    """Bars: customers by how many raw records were merged into them."""
    sizes = source_ids.str.count(r"\|") + 1
    counts = sizes.value_counts().sort_index()
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(counts.index.astype(str), counts.to_numpy())
    merged = (sizes > 1).mean()
    ax.set_title(f"{merged:.0%} of customers were found in more than one record")
    ax.set_xlabel("raw records merged into one customer")
    ax.set_ylabel("customers")
    fig.tight_layout()
    return fig


def reconciliation_of(result: Result) -> plt.Figure:
    """Section 2: rows kept vs quarantined per source."""
    return reconciliation_chart(result.quarantine.reconciliation())


def rules_of(result: Result) -> plt.Figure:
    """Section 3: how often each rule fired."""
    return rules_chart(result.log.table())


def missingness_of(result: Result) -> plt.Figure | None:
    """Section 5: missing person fields before and after merging (None for a flat table)."""
    if not result.has_people:
        return None
    mb = missingness_before_after(result.records, result.tables["customers"])
    return missingness_chart(mb["raw records"], mb["golden customers"],
                             f"Merging records cuts missing emails from {mb.loc['email', 'raw records']:.0%} "
                             f"to {mb.loc['email', 'golden customers']:.0%}")


def cluster_sizes_of(result: Result) -> plt.Figure | None:
    """Section 6: customers by records merged (None for a flat table)."""
    return cluster_size_chart(result.tables["customers"]["source_ids"]) if result.has_people else None
