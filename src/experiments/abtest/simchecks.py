"""The A/A and power simulations of notebook 06, shaped like the experiment analysed (``simulate``'s engines).

Both mirror the first treatment's comparison of the deciding metric (``simulate.matching_design``): the same days,
units per arm per day and control rate (5% for a metric that is not a proportion in (0, 1), where the binomial
simulation illustrates the rules rather than reproducing the metric), at the analysis's alpha, seed and
``planned_looks``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from experiments.abtest import power, simulate

if TYPE_CHECKING:
    from experiments.abtest.analysis import ABAnalysis


def is_illustrative(a: ABAnalysis) -> bool:
    """True when the deciding metric is not a proportion: the simulations then use a 5% rate that illustrates the
    rules rather than reproducing the metric (``simulate.matching_design``)."""
    return a.comparisons[(a.primary, a.treatments[0])].kind != "proportion"


def design_of(a: ABAnalysis) -> dict[str, int | float]:
    """Return the simulated design (``days``, ``units_per_day``, ``rate``) mirroring ``a``'s first treatment."""
    c0 = a.comparisons[(a.primary, a.treatments[0])]
    days = len(next(iter(a.sequential.values()))) if a.sequential else None
    return simulate.matching_design(c0.n_control, c0.n_treatment, days,
                                    None if is_illustrative(a) else c0.rate_control)


def aa_simulation(a: ABAnalysis, n_sims: int) -> simulate.AASimulation | None:
    """Simulate ``n_sims`` A/A tests shaped like ``a``'s first treatment; None when ``n_sims`` is 0 (skipped)."""
    if n_sims <= 0:
        return None
    return simulate.simulate_aa(n_sims=n_sims, alpha=a.config.alpha, seed=a.config.seed, looks=a.config.planned_looks,
                                **design_of(a))


def power_lift(design: dict[str, int | float], alpha: float, target_power: float) -> float:
    """The relative lift the fixed test detects with ``target_power`` at the simulated design (its relative MDE,
    ``power.mde_proportion`` at days x units_per_day units per arm); NaN when no lift in (0, 1) is detectable."""
    n = int(design["days"]) * int(design["units_per_day"])
    rate = float(design["rate"])
    return power.mde_proportion(rate, n, n, alpha, target_power) / rate


def power_simulation(a: ABAnalysis, n_sims: int) -> simulate.PowerSimulation | None:
    """Simulate ``n_sims`` experiments shaped like ``a``'s first treatment with the fixed test's MDE planted.

    At that lift the fixed test has ``config.power`` (80%) power by construction, so the table reads as: with the
    same maximum sample, how much power does each sequential rule keep, and how much earlier does it stop? None
    when ``n_sims`` is 0 or no lift is detectable (a design too small for any lift below a rate of 1).
    """
    if n_sims <= 0:
        return None
    design = design_of(a)
    lift = power_lift(design, a.config.alpha, a.config.power)
    if not lift == lift or float(design["rate"]) * (1 + lift) >= 1:
        return None
    return simulate.simulate_power(n_sims=n_sims, relative_lift=lift, alpha=a.config.alpha, seed=a.config.seed + 1,
                                   looks=a.config.planned_looks, **design)
