"""Power and sample size for two-proportion and two-mean comparisons.

Two formulas for proportions, and they differ:

- R's ``power.prop.test`` (the pooled normal approximation, Fleiss, Levin & Paik 2003, eq. 4.14 without
  continuity correction): for equal groups,
  n = ( z_{1-a/2} sqrt(2 pbar qbar) + z_{1-b} sqrt(p1 q1 + p2 q2) )^2 / (p1 - p2)^2.
  For p1 = 0.03, p2 = 0.02, alpha 0.05 two-sided, power 0.8 it gives 3,825.3 -> 3,826 per group.
- statsmodels ``NormalIndPower`` with Cohen's h = 2 asin(sqrt p1) - 2 asin(sqrt p2) (arcsine transform; Cohen
  1988): 3,789 per group for the same inputs (3,788.3 before rounding up). Both are shown; the headline uses
  the ``power.prop.test`` one.

The minimum detectable effect (MDE) of an achieved sample solves the same equation for p2 given n_control,
n_treatment (unequal groups allowed: each arm's variance over its own n).
"""

from __future__ import annotations

import math

from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize


def _z(alpha: float, one_sided: bool) -> float:
    return float(stats.norm.ppf(1 - (alpha if one_sided else alpha / 2)))


def power_prop_test_n(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8, one_sided: bool = False) -> float:
    """Per-group n for two proportions as R's ``power.prop.test`` (strict=FALSE), not rounded up.

    Reference: R stats::power.prop.test; Fleiss, Levin & Paik (2003). Use ``math.ceil`` for a whole sample.
    """
    if not (0 < p1 < 1 and 0 < p2 < 1) or p1 == p2:
        raise ValueError(f"power_prop_test_n: need 0 < p1, p2 < 1 and p1 != p2, got p1={p1}, p2={p2}")
    qa, qb = _z(alpha, one_sided), float(stats.norm.ppf(power))
    pbar = (p1 + p2) / 2
    return (qa * math.sqrt(2 * pbar * (1 - pbar)) + qb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p1 - p2) ** 2


def power_prop_test_power(n: float, p1: float, p2: float, alpha: float = 0.05, one_sided: bool = False) -> float:
    """Power of the two-proportion test with ``n`` per group, as R's ``power.prop.test`` (strict=FALSE)."""
    qa = _z(alpha, one_sided)
    pbar = (p1 + p2) / 2
    num = math.sqrt(n) * abs(p1 - p2) - qa * math.sqrt(2 * pbar * (1 - pbar))
    return float(stats.norm.cdf(num / math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))))


def cohen_h_n(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8, one_sided: bool = False) -> float:
    """Per-group n from statsmodels NormalIndPower with Cohen's h (arcsine); differs from power.prop.test."""
    h = abs(proportion_effectsize(p1, p2))
    return float(NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0,
                                              alternative="larger" if one_sided else "two-sided"))


def power_unequal(p_c: float, p_t: float, n_c: float, n_t: float, alpha: float = 0.05,
                  one_sided: bool = False) -> float:
    """Power of the pooled z-test for unequal groups (normal approximation, pooled variance under H0)."""
    qa = _z(alpha, one_sided)
    pbar = (n_c * p_c + n_t * p_t) / (n_c + n_t)
    se0 = math.sqrt(pbar * (1 - pbar) * (1 / n_c + 1 / n_t))
    se1 = math.sqrt(p_c * (1 - p_c) / n_c + p_t * (1 - p_t) / n_t)
    return float(stats.norm.cdf((abs(p_t - p_c) - qa * se0) / se1))


def mde_proportion(p_control: float, n_control: int, n_treatment: int, alpha: float = 0.05, power: float = 0.8,
                   one_sided: bool = False) -> float:
    """Smallest absolute increase p_t - p_c detectable with ``power`` at the achieved (possibly unequal) sample.

    Solves the pooled normal-approximation power equation (as ``power.prop.test``; equal n reproduces it) for
    p_t > p_c. Returns NaN when even p_t -> 1 is not detectable or the baseline is 0 or 1.
    """
    if not 0 < p_control < 1 or n_control < 1 or n_treatment < 1:
        return float("nan")
    hi = 1 - 1e-9
    if power_unequal(p_control, hi, n_control, n_treatment, alpha, one_sided) < power:
        return float("nan")
    f = lambda p_t: power_unequal(p_control, p_t, n_control, n_treatment, alpha, one_sided) - power  # noqa: E731
    return float(optimize.brentq(f, p_control + 1e-12, hi, xtol=1e-12)) - p_control


def mde_cohen_h(p_control: float, n_control: int, n_treatment: int, alpha: float = 0.05, power: float = 0.8,
                one_sided: bool = False) -> float:
    """The same MDE via statsmodels NormalIndPower on Cohen's h, converted back to an absolute difference."""
    h = NormalIndPower().solve_power(effect_size=None, nobs1=n_control, alpha=alpha, power=power,
                                     ratio=n_treatment / n_control, alternative="larger" if one_sided else "two-sided")
    phi = 2 * math.asin(math.sqrt(p_control)) + float(h)
    return math.sin(min(phi, math.pi) / 2) ** 2 - p_control


def mde_mean(sd_control: float, sd_treatment: float, n_control: int, n_treatment: int, alpha: float = 0.05,
             power: float = 0.8, one_sided: bool = False) -> float:
    """Minimum detectable difference in means (normal approximation): (z_a + z_b) sqrt(s_c^2/n_c + s_t^2/n_t)."""
    return (_z(alpha, one_sided) + float(stats.norm.ppf(power))) * math.sqrt(sd_control**2 / n_control
                                                                              + sd_treatment**2 / n_treatment)


def n_for_relative_mde(p_control: float, relative_mde: float, alpha: float = 0.05, power: float = 0.8,
                       one_sided: bool = False) -> int:
    """Per-group n (ceiling) to detect ``p_control * (1 + relative_mde)`` by the power.prop.test formula."""
    return math.ceil(power_prop_test_n(p_control, p_control * (1 + relative_mde), alpha, power, one_sided))
