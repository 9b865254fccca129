"""Scoring a learned policy on held-out campaign customers: Qini per action, the inverse-propensity-weighted value of
a policy, and the exercise-style IRR / NIR for a 0/1 outcome.

- Qini of action a: the held-out customers of arm a or control, ranked by the learned effect of a; Q(k) = outcome of
  the treated among the first k - outcome of the controls among them x (treated / controls among them). The reported
  figure is the mean gap between that curve and the straight line to Q(n), divided by n: outcome units per customer,
  0 for a random ranking, positive when the ranking finds the customers the action moves.
- Policy value (IPW, Hajek-normalised): V(pi) = sum_i w_i (value * y_i - cost of arm_i) / sum_i w_i with
  w_i = 1{arm_i = pi(x_i)} / share of arm_i; reported per customer as the gain over sending nothing, V(pi) - V(none).
- IRR and NIR over the held-out customers the policy targets, split by their actual arm (the policy's action vs
  control): IRR = buyers_t / n_t - buyers_c / n_c; NIR = value * buyers_t - cost * n_t - value * buyers_c.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

GRID = 200
"""Points of the Qini curve (its area is taken on this grid)."""


def choose(effects: pd.DataFrame, costs: dict[str, float], value: float, control: str) -> pd.Series:
    """The policy: per row the action with the largest value x effect - cost, or ``control`` when none is > 0."""
    net = pd.DataFrame({a: value * effects[a] - costs.get(a, 0.0) for a in effects.columns}, index=effects.index)
    best = net.idxmax(axis=1)
    return best.where(net.max(axis=1) > 0, control).astype(str)


def qini(score: np.ndarray, treated: np.ndarray, y: np.ndarray) -> float:
    """Qini coefficient (outcome units per customer) of ``score`` on rows with ``treated`` True/False."""
    n = len(score)
    if n == 0 or treated.all() or (~treated).all():
        return float("nan")
    order = np.argsort(-score, kind="stable")
    t, yy = treated[order], y[order]
    nt, nc = np.cumsum(t), np.cumsum(~t)
    yt, yc = np.cumsum(yy * t), np.cumsum(yy * ~t)
    idx = np.unique(np.linspace(0, n - 1, min(GRID, n)).astype(int))
    q = yt[idx] - np.divide(yc[idx] * nt[idx], nc[idx], out=np.zeros(len(idx)), where=nc[idx] > 0)
    line = q[-1] * (idx + 1) / n
    return float(np.mean(q - line) / n)


def policy_value(pi: np.ndarray, arm: np.ndarray, net: np.ndarray, share: dict[str, float]) -> float:
    """Hajek IPW estimate of the mean net outcome per customer under policy ``pi`` (``net``: value*y - cost)."""
    w = (arm == pi) / np.array([share[a] for a in arm])
    return float((w * net).sum() / w.sum()) if w.sum() > 0 else float("nan")


def irr_nir(pi: np.ndarray, arm: np.ndarray, y: np.ndarray, control: str, value: float,
            costs: dict[str, float]) -> tuple[float, float, int]:
    """IRR, NIR and the number of held-out customers the policy targets (see the module docstring)."""
    target = pi != control
    t = target & (arm == pi)
    c = target & (arm == control)
    nt, nc = int(t.sum()), int(c.sum())
    irr = (y[t].mean() if nt else 0.0) - (y[c].mean() if nc else 0.0)
    cost = float(sum(costs.get(a, 0.0) for a in arm[t]))
    nir = value * float(y[t].sum()) - cost - value * float(y[c].sum())
    return float(irr), float(nir), int(target.sum())


def bootstrap(stat, n_rows: int, n_boot: int, seed: int) -> tuple[float, float]:
    """Percentile 95% interval of ``stat(rows)`` over ``n_boot`` resamples of ``n_rows`` rows."""
    rng = np.random.default_rng(seed)
    draws = np.array([stat(rng.integers(0, n_rows, n_rows)) for _ in range(n_boot)])
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return float("nan"), float("nan")
    return float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))
