"""RFM scores (recency, frequency, monetary; 1-5 each) and the named RFM segments.

Scores are quintiles of the customers' percentile ranks, ties sharing one score (a customer's percentile rank is the
average rank of its tie group, so every customer with one purchase gets the same F): ``score = ceil(5 * pct)``.
Recency is scored so that the most recent buyers get 5. Segments come from R and F by the first matching rule of
``SEGMENT_RULES`` (every one of the 25 R x F cells is covered; the table is shown in the report).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEGMENTS = ("Champions", "Loyal", "Potential loyalists", "New", "At risk", "Cannot lose them", "Hibernating", "Lost")

# (segment, R range, F range): first match wins.
SEGMENT_RULES: tuple[tuple[str, tuple[int, int], tuple[int, int]], ...] = (
    ("Champions", (4, 5), (4, 5)),
    ("Loyal", (3, 5), (3, 5)),
    ("New", (4, 5), (1, 1)),
    ("Potential loyalists", (3, 5), (1, 2)),
    ("Cannot lose them", (1, 1), (4, 5)),
    ("At risk", (1, 2), (3, 5)),
    ("Hibernating", (2, 2), (1, 2)),
    ("Lost", (1, 1), (1, 2)),
)


def quintile_score(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Return 1-5 scores: ``ceil(5 * percentile rank)`` with ties averaged (equal values get equal scores)."""
    if len(values) == 0:
        return pd.Series([], index=values.index, dtype="int64")
    v = values if higher_is_better else -values
    pct = v.rank(method="average", pct=True)
    return np.clip(np.ceil(5 * pct - 1e-9), 1, 5).astype("int64")


def rfm_scores(recency_days: pd.Series, frequency: pd.Series, monetary: pd.Series) -> pd.DataFrame:
    """Return r_score, f_score, m_score, rfm_score ("R-F-M" as text) and rfm_segment for aligned per-customer
    series: days since the last purchase, number of purchases, and total spend."""
    out = pd.DataFrame({"r_score": quintile_score(recency_days, higher_is_better=False),
                        "f_score": quintile_score(frequency), "m_score": quintile_score(monetary)})
    out["rfm_score"] = (out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str))
    out["rfm_segment"] = segment_of(out["r_score"], out["f_score"])
    return out


def segment_of(r: pd.Series, f: pd.Series) -> pd.Series:
    """Named segment of each (R, F) pair by ``SEGMENT_RULES`` (first match)."""
    rr, ff = r.to_numpy(), f.to_numpy()
    conds = [(rr >= lo_r) & (rr <= hi_r) & (ff >= lo_f) & (ff <= hi_f)
             for _, (lo_r, hi_r), (lo_f, hi_f) in SEGMENT_RULES]
    names = np.select(conds, [name for name, _, _ in SEGMENT_RULES], default="")
    if (names == "").any():
        raise ValueError("RFM scores outside 1-5 cannot be segmented")
    return pd.Series(names, index=r.index, name="rfm_segment")


def rules_table() -> pd.DataFrame:
    """The segment rules as a readable table (segment, R scores, F scores), in the order they are applied."""
    def rng(lo: int, hi: int) -> str:
        return str(lo) if lo == hi else f"{lo}-{hi}"

    return pd.DataFrame([{"segment": n, "R score": rng(*r), "F score": rng(*f)} for n, r, f in SEGMENT_RULES])


def score_bounds(values: pd.Series, scores: pd.Series) -> pd.DataFrame:
    """Per score, the smallest and largest value that received it (what each score means in the data)."""
    return values.groupby(scores).agg(["min", "max", "count"]).rename_axis("score")


def grid(scores: pd.DataFrame, value: pd.Series | None = None) -> pd.DataFrame:
    """R x F table of customer counts (or of the mean of ``value``), R 5 at the top, F 1-5 across."""
    if value is None:
        t = pd.crosstab(scores["r_score"], scores["f_score"])
    else:
        t = value.groupby([scores["r_score"], scores["f_score"]]).mean().unstack()
    return t.reindex(index=[5, 4, 3, 2, 1], columns=[1, 2, 3, 4, 5])
