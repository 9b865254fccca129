"""Is the campaign randomized? Sample-ratio mismatch (chi-square against equal or planned shares) and the largest
standardized mean difference of any pre-treatment feature between any arm and control."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def srm_p_value(arms: pd.Series) -> float:
    """Chi-square p-value of the arm counts against equal shares (a tiny p means the split is not as planned)."""
    counts = arms.value_counts().to_numpy(float)
    if len(counts) < 2:
        return float("nan")
    return float(stats.chisquare(counts).pvalue)


def balance(frame: pd.DataFrame, arm: pd.Series, control: str) -> pd.DataFrame:
    """Standardized mean difference of every numeric feature, each arm against control (rows feature x arm)."""
    num = frame.select_dtypes("number")
    c = num[arm.to_numpy() == control]
    rows = []
    for a in sorted(set(arm) - {control}):
        t = num[arm.to_numpy() == a]
        pooled = np.sqrt((t.var() + c.var()) / 2.0).replace(0.0, np.nan)
        smd = ((t.mean() - c.mean()) / pooled).fillna(0.0)
        rows += [{"feature": f, "arm": a, "smd": float(v)} for f, v in smd.items()]
    return pd.DataFrame(rows, columns=["feature", "arm", "smd"])
