"""Group-sequential designs: alpha spending (O'Brien-Fleming and Pocock types) for a planned number of looks.

A test looked at K times (``planned_looks``) at information fractions t_1 < ... < t_K = 1 (the share of the planned
sample seen) stops at the first look whose |z| reaches that look's boundary c_k. The boundaries spend the type-I
error over the looks with a Lan-DeMets spending function (Lan & DeMets 1983, Biometrika 70):

- O'Brien-Fleming type: each side spends alpha/2 as 2 - 2 Phi(z_{1-alpha/4} / sqrt(t)) (almost nothing early);
- Pocock type:          alpha(t) = alpha log(1 + (e - 1) t)              (spends evenly; earlier stops).

c_k solves P(|Z_1| < c_1, ..., |Z_{k-1}| < c_{k-1}, |Z_k| >= c_k) = alpha(t_k) - alpha(t_{k-1}) under H0, where
Z_k = S_k / sqrt(t_k) and S is a Brownian motion in information time (independent increments). The probability is
computed by the recursive numerical integration of Armitage, McPherson & Rowe (1969) on a grid of the score S
(Jennison & Turnbull 2000, "Group Sequential Methods", ch. 19). ``constant_boundary`` solves the classical Pocock
(c_k = C) and O'Brien-Fleming (c_k = C sqrt(K / k)) designs with the same engine; tests check both against the
published tables.

``inflation`` is the ratio of the maximum sample size to the fixed-horizon one at the same power (what a
sequential method "needs"), found by the same recursion under the alternative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

METHODS = ("obrien_fleming", "pocock")
_GRID = 601


def spending(t: np.ndarray | float, alpha: float, method: str) -> np.ndarray:
    """Cumulative two-sided alpha spent by information fraction ``t`` (Lan-DeMets O'Brien-Fleming or Pocock type)."""
    t = np.clip(np.asarray(t, dtype=float), 0.0, 1.0)
    if method == "obrien_fleming":  # each side spends alpha/2 by 2 - 2 Phi(z_{1-alpha/4} / sqrt(t))
        z = stats.norm.ppf(1 - alpha / 4) / np.sqrt(np.maximum(t, 1e-300))
        return 2 * np.where(t > 0, 2 - 2 * stats.norm.cdf(z), 0.0)
    if method == "pocock":
        return alpha * np.log1p((math.e - 1) * t)
    raise ValueError(f"spending: method must be one of {METHODS}, got {method!r}")


def _grid(half_width: float, points: int = _GRID) -> np.ndarray:
    return np.linspace(-half_width, half_width, points)


def _step(density: np.ndarray, grid: np.ndarray, new_grid: np.ndarray, dt: float, drift: float) -> np.ndarray:
    """Density of S at the next look on ``new_grid`` (not yet truncated), from ``density`` on ``grid``."""
    sd = math.sqrt(dt)
    kernel = stats.norm.pdf((new_grid[:, None] - grid[None, :] - drift * dt) / sd) / sd
    return np.trapezoid(kernel * density[None, :], grid, axis=1)


def _exit_prob(density: np.ndarray, grid: np.ndarray, dt: float, drift: float, bound: float) -> float:
    """P(|S_next| >= bound, continuing so far): the mass of ``density`` moved beyond +-bound by one step."""
    sd = math.sqrt(dt)
    upper = stats.norm.sf((bound - grid - drift * dt) / sd)
    lower = stats.norm.cdf((-bound - grid - drift * dt) / sd)
    return float(np.trapezoid(density * (upper + lower), grid))


def crossing_probabilities(bounds: Sequence[float], fractions: Sequence[float], drift: float = 0.0,
                           points: int = _GRID) -> np.ndarray:
    """P(stop at look k) for z-boundaries ``bounds`` at information ``fractions``; ``drift`` is the mean of S per
    unit information (0 under H0; under H1 the fixed-horizon z at full information)."""
    t = np.asarray(fractions, dtype=float)
    out = np.zeros(len(t))
    density, grid, prev = None, None, 0.0
    for k, (c, tk) in enumerate(zip(bounds, t, strict=True)):
        b = c * math.sqrt(tk)  # boundary on the score scale
        dt = tk - prev
        if density is None:
            sd = math.sqrt(dt)
            out[k] = stats.norm.sf((b - drift * dt) / sd) + stats.norm.cdf((-b - drift * dt) / sd)
            grid = _grid(min(b, 12 * math.sqrt(tk)), points)
            density = stats.norm.pdf((grid - drift * dt) / sd) / sd
        else:
            out[k] = _exit_prob(density, grid, dt, drift, b)
            new = _grid(min(b, 12 * math.sqrt(tk)), points)
            density, grid = _step(density, grid, new, dt, drift), new
        prev = tk
    return out


def spending_boundaries(looks: int, alpha: float = 0.05, method: str = "obrien_fleming",
                        fractions: Sequence[float] | None = None) -> np.ndarray:
    """Two-sided z-boundaries for ``looks`` looks (equally spaced unless ``fractions``) spending ``alpha``.

    Computed look by look: the density of the score on the continuation region is carried forward, and each c_k
    solves one exit-probability equation (brentq).
    """
    if looks < 1:
        raise ValueError(f"spending_boundaries: looks must be >= 1, got {looks}")
    t = np.arange(1, looks + 1) / looks if fractions is None else np.asarray(fractions, dtype=float)
    spent = np.diff(np.concatenate([[0.0], spending(t, alpha, method)]))
    bounds: list[float] = []
    density, grid, prev = None, None, 0.0
    for k in range(looks):
        dt, root = t[k] - prev, math.sqrt(t[k])
        if density is None:
            c = float(stats.norm.isf(spent[k] / 2)) if spent[k] > 0 else math.inf
            b = c * root
            grid = _grid(min(b, 12 * root))
            density = stats.norm.pdf(grid / math.sqrt(dt)) / math.sqrt(dt)
        else:
            def excess(c: float, density=density, grid=grid, dt=dt, root=root, k=k) -> float:
                return _exit_prob(density, grid, dt, 0.0, c * root) - spent[k]

            c = float(optimize.brentq(excess, 0.5, 15.0, xtol=1e-10)) if spent[k] > 1e-15 else math.inf
            new = _grid(min(c * root, 12 * root))
            density, grid = _step(density, grid, new, dt, 0.0), new
        bounds.append(c)
        prev = t[k]
    return np.array(bounds)


def constant_boundary(looks: int, alpha: float = 0.05, method: str = "pocock") -> np.ndarray:
    """The classical designs: Pocock's constant boundary C, or O'Brien-Fleming's C sqrt(K / k), with total
    two-sided level ``alpha`` at equally spaced looks (Jennison & Turnbull 2000, tables 2.1 and 2.3)."""
    t = np.arange(1, looks + 1) / looks
    shape = np.ones(looks) if method == "pocock" else np.sqrt(looks / np.arange(1, looks + 1))

    def excess(c: float) -> float:
        return crossing_probabilities(c * shape, t).sum() - alpha

    return float(optimize.brentq(excess, 1.0, 6.0, xtol=1e-10)) * shape


def inflation(bounds: Sequence[float], alpha: float = 0.05, power: float = 0.8) -> float:
    """Maximum sample size of the design over the fixed-horizon sample at the same ``power`` (>= 1)."""
    looks = len(bounds)
    t = np.arange(1, looks + 1) / looks
    fixed_drift = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)

    def shortfall(r: float) -> float:
        return crossing_probabilities(bounds, t, drift=fixed_drift * math.sqrt(r), points=241).sum() - power

    return float(optimize.brentq(shortfall, 0.8, 2.0, xtol=1e-5))


def first_crossing(z: Sequence[float], n: Sequence[float], n_max: float, bounds: Sequence[float],
                   fractions: Sequence[float]) -> int | None:
    """1-based index of the first planned look whose |z| reaches its boundary, reading the daily cumulative ``z``
    at the first day with at least ``fractions[k] * n_max`` units (None: never, or the look is not reached)."""
    z, n = np.asarray(z, dtype=float), np.asarray(n, dtype=float)
    for k, (c, f) in enumerate(zip(bounds, fractions, strict=True)):
        reached = np.flatnonzero(n >= f * n_max - 1e-9)
        if not len(reached):
            return None
        if abs(z[reached[0]]) >= c:
            return k + 1
    return None


def msprt_n_factor(alpha: float = 0.05, power: float = 0.8) -> float:
    """Sample size of the always-valid sequence over the fixed-horizon one at the same ``power`` (approximate).

    The final-look rule "the confidence sequence excludes 0" is treated as a fixed boundary: with tau^2 tuned to the
    final variance (``sequential.optimal_tau2``), the half-width is k_cs sqrt(V), so the sample needed scales by
    ((k_cs + z_power) / (z_{1-alpha/2} + z_power))^2. Ignores the chance of stopping earlier (conservative).
    """
    from experiments.abtest.sequential import cs_halfwidth, optimal_tau2

    k_cs = float(cs_halfwidth(1.0, optimal_tau2(1.0, alpha), alpha))
    z_b = stats.norm.ppf(power)
    return float(((k_cs + z_b) / (stats.norm.ppf(1 - alpha / 2) + z_b)) ** 2)


@dataclass
class SequentialPlan:
    """The sequential design of one comparison: method, planned looks, boundaries and what remains to be run."""

    method: str
    looks: int
    bounds: list[float]
    fractions: list[float]
    n_needed: dict[str, float | None]
    stop_look: int | None
    days_remaining: int | None

    def table(self) -> pd.DataFrame:
        """One row per planned look: information fraction and z boundary (group-sequential methods)."""
        return pd.DataFrame({"look": range(1, len(self.bounds) + 1), "information fraction": self.fractions,
                             "z boundary (two-sided)": np.round(self.bounds, 3)})


def plan(daily: pd.DataFrame, n_fixed_per_group: float | None, *, method: str = "msprt", looks: int = 5,
         alpha: float = 0.05, power: float = 0.8, seq_stop_day: int | None = None) -> SequentialPlan:
    """Return the sequential plan of a daily cumulative table (``sequential.daily_cumulative``).

    ``n_fixed_per_group`` is the fixed-horizon sample per group for the target lift (``power.n_for_relative_mde``
    or its means analogue). The sample each method needs is that times its factor (``inflation`` for the
    group-sequential designs, ``msprt_n_factor`` for the always-valid sequence). Group-sequential looks are at
    equal fractions of the method's maximum sample; the stop look is the first whose |z| reaches its boundary.
    ``days_remaining`` = the units still needed over the observed daily traffic (both arms), 0 once the chosen
    method has stopped (``seq_stop_day`` for msprt) or the sample is reached; None without a fixed-horizon n.
    """
    if method not in ("msprt", *METHODS):
        raise ValueError(f"sequential_method must be msprt, obrien_fleming or pocock, got {method!r}")
    fractions = list(np.arange(1, looks + 1) / looks)
    gs = {m: spending_boundaries(looks, alpha, m) for m in METHODS}
    base = float(n_fixed_per_group) if n_fixed_per_group is not None and math.isfinite(n_fixed_per_group) else None
    factors = {"fixed": 1.0, "msprt": msprt_n_factor(alpha, power),
               **{m: inflation(b, alpha, power) for m, b in gs.items()}}
    n_needed = {m: (math.ceil(base * f) if base else None) for m, f in factors.items()}
    n_now = (daily["n_control"] + daily["n_treatment"]).to_numpy(float)
    z = (daily["abs_lift"] / daily["se"]).to_numpy(float)
    bounds = list(gs[method]) if method in gs else []
    stop = None
    if method in gs and n_needed[method]:
        stop = first_crossing(z, n_now, 2 * n_needed[method], bounds, fractions)
    days_remaining = None
    if n_needed[method]:
        span = (pd.Timestamp(daily["day"].iloc[-1]) - pd.Timestamp(daily["day"].iloc[0])).days + 1
        rate = n_now[-1] / max(span, 1)
        left = 2 * n_needed[method] - n_now[-1]
        stopped = stop is not None if method in gs else seq_stop_day is not None
        days_remaining = 0 if stopped or left <= 0 else math.ceil(left / rate)
    return SequentialPlan(method, looks, [float(b) for b in bounds], [float(f) for f in fractions], n_needed, stop,
                          days_remaining)
