"""Vectorised A/A simulations: how often does each decision rule call a difference that is not there?

Each simulated experiment has ``days`` daily cohorts of ``units_per_day`` units per arm with the *same* true
conversion rate. Three rules are scored on the same draws:

- ``fixed``: one pooled two-proportion z-test at the planned end (should reject about alpha of the time);
- ``naive_peeking``: the same test every day, stopping at the first p < alpha (inflated; Johari et al. 2017);
- ``sequential``: the always-valid normal-mixture confidence sequence of ``sequential`` (at most alpha).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from experiments.abtest.groupseq import spending_boundaries
from experiments.abtest.sequential import always_valid_p, optimal_tau2


@dataclass
class AASimulation:
    """False-positive rates of the three rules over ``n_sims`` A/A experiments, with the Monte Carlo SE."""

    n_sims: int
    alpha: float
    fixed: float
    naive_peeking: float
    sequential: float
    obrien_fleming: float | None = None
    pocock: float | None = None

    @property
    def mc_se(self) -> float:
        """Binomial standard error of a rate equal to alpha over n_sims experiments."""
        return math.sqrt(self.alpha * (1 - self.alpha) / self.n_sims)


def aa_metrics(sim: AASimulation | None, n_sims: int) -> dict[str, float | int | None]:
    """Return the A/A metrics.json keys: ``aa_fpr_fixed`` (the fixed-horizon test's false-positive rate),
    ``aa_fpr_naive_peeking`` (daily peeking, stop at the first p < alpha), ``aa_fpr_sequential`` (the always-valid
    sequence), ``aa_sims``, and the group-sequential designs' ``aa_fpr_obrien_fleming`` and ``aa_fpr_pocock``; the
    rates are None when the simulation was skipped (``sim`` None)."""
    return {"aa_fpr_fixed": sim.fixed if sim else None,
            "aa_fpr_naive_peeking": sim.naive_peeking if sim else None,
            "aa_fpr_sequential": sim.sequential if sim else None,
            "aa_sims": sim.n_sims if sim else int(n_sims),
            "aa_fpr_obrien_fleming": sim.obrien_fleming if sim else None,
            "aa_fpr_pocock": sim.pocock if sim else None}


def simulate_aa(n_sims: int = 2000, days: int = 14, units_per_day: int = 300, rate: float = 0.05,
                alpha: float = 0.05, seed: int = 42, looks: int = 5) -> AASimulation:
    """Simulate ``n_sims`` binomial A/A tests and return each rule's false-positive rate (two-sided).

    The group-sequential rules look ``looks`` times, on days ceil(k days / looks), against Lan-DeMets spending
    boundaries at those information fractions (``groupseq.spending_boundaries``).
    """
    rng = np.random.default_rng(seed)
    x = rng.binomial(units_per_day, rate, size=(2, n_sims, days)).cumsum(axis=2).astype(float)
    n = units_per_day * np.arange(1, days + 1, dtype=float)
    p_t, p_c = x[0] / n, x[1] / n
    pooled = (x[0] + x[1]) / (2 * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p_t - p_c) / np.sqrt(pooled * (1 - pooled) * 2 / n)
    naive_p = 2 * stats.norm.sf(np.abs(np.nan_to_num(z)))
    v = p_t * (1 - p_t) / n + p_c * (1 - p_c) / n
    v = np.where(v > 0, v, np.inf)
    tau2 = optimal_tau2(2 * rate * (1 - rate) / n[-1], alpha)
    av_p = always_valid_p(p_t - p_c, v, tau2)
    look_days = np.unique(np.ceil(np.arange(1, min(looks, days) + 1) * days / min(looks, days)).astype(int))
    absz = np.abs(np.nan_to_num(z))[:, look_days - 1]
    gs = {m: float((absz >= spending_boundaries(len(look_days), alpha, m, look_days / days)).any(1).mean())
          for m in ("obrien_fleming", "pocock")}
    return AASimulation(n_sims, alpha, float((naive_p[:, -1] < alpha).mean()), float((naive_p < alpha).any(1).mean()),
                        float((av_p[:, -1] < alpha).mean()), gs["obrien_fleming"], gs["pocock"])


def matching_design(n_control: int, n_treatment: int, days: int | None,
                    control_rate: float | None) -> dict[str, int | float]:
    """Return the A/A design (``days``, ``units_per_day``, ``rate``) that mirrors an experiment.

    Same number of days (14 when the experiment has no daily view), the same units per arm per day, and the
    control's conversion rate; a metric that is not a proportion in (0, 1) falls back to a 5% rate, where the
    binomial simulation illustrates the peeking problem rather than reproducing the metric.
    """
    n_days = int(days) if days else 14
    rate = float(control_rate) if control_rate is not None and 0 < control_rate < 1 else 0.05
    return {"days": n_days, "units_per_day": max(1, (int(n_control) + int(n_treatment)) // (2 * n_days)),
            "rate": rate}
