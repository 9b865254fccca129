"""Charts of the Customer 360 report: titled with the finding, axes labelled."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from experiments.lab import chart_style
from experiments.profile.present import value_at_stake
from experiments.profile.result import Result


def stake_by_segment(result: Result) -> Figure:
    """Value at stake (CLV x churn probability) per segment, largest first."""
    p = result.profile
    stake = value_at_stake(p).groupby(p["segment"].astype(str)).sum().sort_values()
    top = stake.index[-1] if len(stake) else "–"
    share = stake.iloc[-1] / stake.sum() if len(stake) and stake.sum() else 0.0
    return chart_style.bar_chart(pd.Series(stake.to_numpy(), index=stake.index),
                                 f"{top} hold {share:.0%} of the value at stake", "value at stake (CNY)", "segment")
