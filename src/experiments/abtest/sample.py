"""The units the unit-level methods read: every unit, or at scale a seeded sample of them (``unit_sample_rows``).

Every test, interval, CUPED and ratio of 06 reads the per-variant sums of *all* analysed units (``engine_steps``);
only the quantile bootstrap (``robust.quantile_comparison``) and the uplift model (``uplift.t_learner``, with its
Qini bootstrap) need the units themselves, and their cost grows with every unit while their answer (a quantile's
interval, a ranking of who responds) settles long before. ``unit_sample`` keeps every unit up to ``rows`` and
otherwise draws ``rows`` of them without replacement, per variant in proportion to its size (each arm keeps its
share, so the sample's split is the experiment's), in the frame's order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def unit_sample(data: pd.DataFrame, rows: int, variant_col: str, seed: int) -> pd.DataFrame:
    """``data`` itself when ``rows`` is 0 or ``data`` has at most ``rows`` units; else a stratified random sample of
    ``rows`` units (per variant ``round(rows * share)``, largest remainders to make the total exact), seeded."""
    n = len(data)
    if rows <= 0 or n <= rows:
        return data
    codes, labels = pd.factorize(data[variant_col].astype(str), sort=True)
    sizes = np.bincount(codes, minlength=len(labels))
    quota = rows * sizes / n
    take = np.floor(quota).astype(int)
    short = rows - int(take.sum())
    take[np.argsort(-(quota - take), kind="stable")[:short]] += 1
    rng = np.random.default_rng(seed)
    keep = np.concatenate([rng.choice(np.flatnonzero(codes == k), size=int(take[k]), replace=False)
                           for k in range(len(labels))])
    return data.iloc[np.sort(keep)]


__all__ = ["unit_sample"]
