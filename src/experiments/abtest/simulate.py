"""Vectorised A/A and power simulations: how often does each decision rule call a difference that is not there,
how often does it find one that is, and when does it stop?

Each simulated experiment has ``days`` daily cohorts of ``units_per_day`` units per arm. In an A/A simulation both
arms have the *same* true conversion rate; in a power simulation the treatment's is ``rate (1 + relative_lift)``.
The rules are scored on the same draws:

- ``fixed``: one pooled two-proportion z-test at the planned end (should reject about alpha of the time);
- ``naive_peeking``: the same test every day, stopping at the first p < alpha (inflated; Johari et al. 2017);
- ``sequential``: the always-valid normal-mixture confidence sequence (mSPRT) of ``sequential`` (at most alpha);
- ``obrien_fleming``, ``pocock``: Lan-DeMets alpha spending over ``looks`` equally spaced looks (``groupseq``).
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

    def rate_se(self, rate: float) -> float:
        """Monte Carlo standard error of an estimated ``rate`` over n_sims experiments: sqrt(r (1 - r) / n_sims)."""
        return math.sqrt(rate * (1 - rate) / self.n_sims)


#: The rules a power simulation scores, in report order (``sequential`` is the always-valid mSPRT sequence).
POWER_RULES = ("fixed", "sequential", "obrien_fleming", "pocock")


@dataclass
class PowerSimulation:
    """Power of each rule over ``n_sims`` experiments with a planted lift, and when each one stops.

    ``power[rule]`` is the share of experiments the rule calls significant by the last day; ``mean_stop_day[rule]``
    the mean day it stops (the last day when it never rejects) and ``mean_n_per_group[rule]`` the units per arm seen
    by then. ``analytic_fixed`` is the normal-approximation power of the fixed test (``power.power_unequal``).
    """

    n_sims: int
    alpha: float
    days: int
    units_per_day: int
    rate_control: float
    rate_treatment: float
    looks: int
    power: dict[str, float]
    mean_stop_day: dict[str, float]
    mean_n_per_group: dict[str, float]
    analytic_fixed: float

    @property
    def relative_lift(self) -> float:
        """The planted relative lift rate_treatment / rate_control - 1."""
        return self.rate_treatment / self.rate_control - 1

    def rate_se(self, rate: float) -> float:
        """Monte Carlo standard error of an estimated ``rate`` over n_sims experiments."""
        return math.sqrt(rate * (1 - rate) / self.n_sims)


def aa_metrics(sim: AASimulation | None, n_sims: int) -> dict[str, float | int | None]:
    """Return the A/A metrics.json keys: ``aa_fpr_fixed`` (the fixed-horizon test's false-positive rate),
    ``aa_fpr_naive_peeking`` (daily peeking, stop at the first p < alpha), ``aa_fpr_sequential`` (the always-valid
    sequence), ``aa_sims``, the group-sequential designs' ``aa_fpr_obrien_fleming`` and ``aa_fpr_pocock``, and
    ``aa_mc_se`` (the Monte Carlo SE of a rate equal to alpha); the rates are None when the simulation was skipped
    (``sim`` None)."""
    return {"aa_fpr_fixed": sim.fixed if sim else None,
            "aa_fpr_naive_peeking": sim.naive_peeking if sim else None,
            "aa_fpr_sequential": sim.sequential if sim else None,
            "aa_sims": sim.n_sims if sim else int(n_sims),
            "aa_fpr_obrien_fleming": sim.obrien_fleming if sim else None,
            "aa_fpr_pocock": sim.pocock if sim else None,
            "aa_mc_se": sim.mc_se if sim else None}


def power_metrics(sim: PowerSimulation | None) -> dict[str, float | int | None]:
    """Return the power-simulation metrics.json keys: ``power_sim_<rule>`` (share detected),
    ``power_sim_<rule>_mean_stop_day``, ``power_sim_<rule>_mean_n`` (units per group at the stop) for the rules
    fixed, sequential (mSPRT), obrien_fleming and pocock; ``power_sim_lift_rel`` (the planted relative lift),
    ``power_sim_analytic_fixed`` and ``power_sims``. Every value is None when the simulation was skipped."""
    out: dict[str, float | int | None] = {}
    for r in POWER_RULES:
        out |= {f"power_sim_{r}": sim.power[r] if sim else None,
                f"power_sim_{r}_mean_stop_day": sim.mean_stop_day[r] if sim else None,
                f"power_sim_{r}_mean_n": sim.mean_n_per_group[r] if sim else None}
    out |= {"power_sim_lift_rel": sim.relative_lift if sim else None,
            "power_sim_analytic_fixed": sim.analytic_fixed if sim else None, "power_sims": sim.n_sims if sim else 0}
    return out


def look_days(days: int, looks: int) -> np.ndarray:
    """The 1-based days of ``looks`` equally spaced planned looks over ``days`` days: ceil(k days / looks)."""
    k = min(looks, days)
    return np.unique(np.ceil(np.arange(1, k + 1) * days / k).astype(int))


def _stop_days(rng: np.random.Generator, n_sims: int, days: int, units_per_day: int, rate_t: float, rate_c: float,
               alpha: float, looks: int) -> dict[str, np.ndarray]:
    """Draw ``n_sims`` experiments (daily binomial cohorts per arm) and return, per rule, the 1-based day each one
    rejects H0 (0: never). Rules: fixed (last day only), naive_peeking (any day), sequential (always-valid p, any
    day), obrien_fleming and pocock (their spending boundaries at ``look_days``)."""
    p = np.array([rate_t, rate_c], dtype=float)[:, None, None]
    x = rng.binomial(units_per_day, p, size=(2, n_sims, days)).cumsum(axis=2).astype(float)
    n = units_per_day * np.arange(1, days + 1, dtype=float)
    p_t, p_c = x[0] / n, x[1] / n
    pooled = (x[0] + x[1]) / (2 * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.nan_to_num((p_t - p_c) / np.sqrt(pooled * (1 - pooled) * 2 / n))
    naive = 2 * stats.norm.sf(np.abs(z)) < alpha
    v = p_t * (1 - p_t) / n + p_c * (1 - p_c) / n
    v = np.where(v > 0, v, np.inf)
    tau2 = optimal_tau2(2 * rate_c * (1 - rate_c) / n[-1], alpha)
    seq = always_valid_p(p_t - p_c, v, tau2) < alpha

    def first(hit: np.ndarray, days_of: np.ndarray) -> np.ndarray:
        return np.where(hit.any(1), days_of[hit.argmax(1)], 0)

    all_days = np.arange(1, days + 1)
    out = {"fixed": np.where(naive[:, -1], days, 0), "naive_peeking": first(naive, all_days),
           "sequential": first(seq, all_days)}
    ld = look_days(days, looks)
    absz = np.abs(z)[:, ld - 1]
    for m in ("obrien_fleming", "pocock"):
        out[m] = first(absz >= spending_boundaries(len(ld), alpha, m, ld / days), ld)
    return out


def simulate_aa(n_sims: int = 2000, days: int = 14, units_per_day: int = 300, rate: float = 0.05,
                alpha: float = 0.05, seed: int = 42, looks: int = 5) -> AASimulation:
    """Simulate ``n_sims`` binomial A/A tests and return each rule's false-positive rate (two-sided).

    The group-sequential rules look ``looks`` times, on days ceil(k days / looks), against Lan-DeMets spending
    boundaries at those information fractions (``groupseq.spending_boundaries``).
    """
    stops = _stop_days(np.random.default_rng(seed), n_sims, days, units_per_day, rate, rate, alpha, looks)
    share = {r: float((d > 0).mean()) for r, d in stops.items()}
    return AASimulation(n_sims, alpha, share["fixed"], share["naive_peeking"], share["sequential"],
                        share["obrien_fleming"], share["pocock"])


def simulate_power(n_sims: int = 2000, days: int = 14, units_per_day: int = 300, rate: float = 0.05,
                   relative_lift: float = 0.1, alpha: float = 0.05, seed: int = 42, looks: int = 5) -> PowerSimulation:
    """Simulate ``n_sims`` experiments whose treatment converts at ``rate (1 + relative_lift)`` and return the power
    and mean stopping day of each rule in ``POWER_RULES`` (same design and boundaries as ``simulate_aa``).

    Every rule runs at most ``days`` days (the same maximum sample), so the group-sequential designs trade some
    power for stopping early; the fixed test's power matches ``power.power_unequal`` up to Monte Carlo error.
    """
    from experiments.abtest.power import power_unequal

    rate_t = rate * (1 + relative_lift)
    if not 0 < rate < 1 or not 0 < rate_t < 1:
        raise ValueError(f"simulate_power: rates must be in (0, 1), got control {rate} and treatment {rate_t}")
    stops = _stop_days(np.random.default_rng(seed), n_sims, days, units_per_day, rate_t, rate, alpha, looks)
    power = {r: float((stops[r] > 0).mean()) for r in POWER_RULES}
    stop_day = {r: float(np.where(stops[r] > 0, stops[r], days).mean()) for r in POWER_RULES}
    n_end = units_per_day * days
    return PowerSimulation(n_sims, alpha, days, units_per_day, rate, rate_t, looks, power, stop_day,
                           {r: units_per_day * d for r, d in stop_day.items()},
                           power_unequal(rate, rate_t, n_end, n_end, alpha))


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


def mde_lift(design: dict[str, int | float], alpha: float, target_power: float) -> float:
    """The relative lift the fixed test detects with ``target_power`` at a ``matching_design`` (its relative MDE,
    ``power.mde_proportion`` at days x units_per_day units per arm); NaN when no lift in (0, 1) is detectable."""
    from experiments.abtest.power import mde_proportion

    n = int(design["days"]) * int(design["units_per_day"])
    rate = float(design["rate"])
    return mde_proportion(rate, n, n, alpha, target_power) / rate
