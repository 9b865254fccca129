"""Bayesian view of a conversion test: Beta-Binomial posteriors, probability to beat control, expected loss.

With a Beta(a0, b0) prior (uniform by default) and x conversions of n units, the posterior of a rate is
Beta(a0 + x, b0 + n - x). P(treatment > control) has a closed form for integer parameters (Miller 2015, "Formulas
for Bayesian A/B Testing"; Cook 2005):

    P(p_T > p_C) = sum_{i=0}^{a_T - 1} B(a_C + i, b_C + b_T) / ((b_T + i) B(1 + i, b_T) B(a_C, b_C))

computed in log space. The expected loss of shipping treatment, E[max(p_C - p_T, 0)] (Stucchio 2015, "Bayesian
A/B Testing at VWO"), is estimated by Monte Carlo from the posteriors. For numeric metrics a normal posterior on
the difference (flat prior) gives P = Phi(d / se) and loss = se phi(d/se) - d Phi(-d/se).

With ``prior_sd`` > 0 (notebook parameters ``prior_mean``, ``prior_sd``) every metric, proportion or mean, uses
``relative_normal``: a conjugate normal prior on the relative lift, so a sceptical prior shrinks small-sample lifts
towards ``prior_mean``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats


@dataclass
class BayesResult:
    """Posterior summary for treatment vs control."""

    prob_beat: float
    expected_loss_treatment: float
    expected_loss_control: float
    rel_lift_median: float
    rel_lift_low: float
    rel_lift_high: float
    expected_loss_rel: float = float("nan")
    prior: str = "flat"


def prob_beat_closed_form(a_t: float, b_t: float, a_c: float, b_c: float) -> float:
    """Exact P(p_T > p_C) for Beta(a_t, b_t) vs Beta(a_c, b_c) with integer ``a_t`` (Miller 2015)."""
    if a_t != int(a_t):
        raise ValueError(f"prob_beat_closed_form: a_t must be an integer, got {a_t}")
    i = np.arange(int(a_t), dtype=float)
    log_terms = (special.betaln(a_c + i, b_c + b_t) - np.log(b_t + i) - special.betaln(1 + i, b_t)
                 - special.betaln(a_c, b_c))
    # the sum is a probability; rounding in the log-space terms can carry it just past 1 (1.0000000000969 on a
    # three-arm e-mail test, issue 20) or below 0
    return _probability(float(np.exp(special.logsumexp(log_terms))))


def _probability(p: float) -> float:
    """``p`` clipped to [0, 1] (NaN stays NaN)."""
    return p if p != p else min(max(p, 0.0), 1.0)


def _loss(x: float) -> float:
    """An expected loss, E[max(., 0)], clipped at 0: the closed forms below subtract nearly equal tail terms."""
    return x if x != x else max(x, 0.0)


def beta_binomial(x_t: int, n_t: int, x_c: int, n_c: int, *, prior_a: float = 1.0, prior_b: float = 1.0,
                  draws: int = 200_000, ci: float = 0.95, seed: int = 42) -> BayesResult:
    """Posterior P(treatment beats control), expected losses and the relative-lift credible interval.

    P(beat) is the exact closed form when the treatment's posterior alpha is an integer below 20,000, else Monte
    Carlo; losses and the interval are Monte Carlo with ``draws`` seeded draws.
    """
    a_t, b_t = prior_a + x_t, prior_b + n_t - x_t
    a_c, b_c = prior_a + x_c, prior_b + n_c - x_c
    rng = np.random.default_rng(seed)
    pt, pc = rng.beta(a_t, b_t, draws), rng.beta(a_c, b_c, draws)
    if float(a_t).is_integer() and a_t < 20_000:
        prob = prob_beat_closed_form(a_t, b_t, a_c, b_c)
    else:
        prob = float((pt > pc).mean())
    rel = pt / pc - 1
    lo, med, hi = np.quantile(rel, [(1 - ci) / 2, 0.5, 1 - (1 - ci) / 2])
    return BayesResult(prob, float(np.maximum(pc - pt, 0).mean()), float(np.maximum(pt - pc, 0).mean()),
                       float(med), float(lo), float(hi), float(np.maximum(-rel, 0).mean()))


def normal_posterior(diff: float, se: float, mean_control: float = float("nan")) -> BayesResult:
    """Flat-prior normal posterior on a difference in means: P(beat) = Phi(d/se), closed-form expected losses."""
    if not se > 0:
        return BayesResult(float(diff > 0), 0.0, 0.0, float("nan"), float("nan"), float("nan"))
    k = diff / se
    loss_t = _loss(se * stats.norm.pdf(k) - diff * stats.norm.cdf(-k))
    loss_c = _loss(se * stats.norm.pdf(k) + diff * stats.norm.cdf(k))
    rel = diff / mean_control if mean_control and math.isfinite(mean_control) else float("nan")
    rel_se = se / abs(mean_control) if mean_control and math.isfinite(mean_control) else float("nan")
    return BayesResult(float(stats.norm.cdf(k)), float(loss_t), float(loss_c), rel, rel - 1.96 * rel_se,
                       rel + 1.96 * rel_se, float(loss_t / abs(mean_control)) if math.isfinite(rel) else float("nan"))


def relative_normal(mean_t: float, var_mean_t: float, mean_c: float, var_mean_c: float, prior_mean: float = 0.0,
                    prior_sd: float = 0.0, ci: float = 0.95) -> BayesResult:
    """Posterior of the relative lift R = mu_t / mu_c - 1 with a normal prior N(prior_mean, prior_sd^2) on R.

    The likelihood of R is normal around the observed relative lift r with the delta-method variance
    s^2 = var_t / mu_c^2 + mu_t^2 var_c / mu_c^4 (``var_mean_*``: variances of the arm means), so the
    posterior is conjugate normal: 1/v = 1/prior_sd^2 + 1/s^2, m = v (prior_mean / prior_sd^2 + r / s^2)
    (prior_sd 0 means flat: m = r, v = s^2). P(beat) = Phi(m / sqrt v); expected relative loss of shipping
    E[max(-R, 0)] = sqrt(v) phi(m / sqrt v) - m Phi(-m / sqrt v), times |mu_c| on the absolute scale.
    Reference: Gelman et al. (2013), BDA3 section 2.5; the same model as GrowthBook's gbstats (Stucchio 2015).
    """
    if mean_c == 0 or not math.isfinite(mean_c):
        return BayesResult(float("nan"), float("nan"), float("nan"), float("nan"), float("nan"), float("nan"))
    r = mean_t / mean_c - 1
    s2 = var_mean_t / mean_c**2 + mean_t**2 * var_mean_c / mean_c**4
    if prior_sd and prior_sd > 0:
        v = 1 / (1 / prior_sd**2 + (1 / s2 if s2 > 0 else math.inf))
        m = v * (prior_mean / prior_sd**2 + (r / s2 if s2 > 0 else 0.0)) if s2 > 0 else r
    else:
        m, v = r, s2
    sd = math.sqrt(v)
    if sd == 0:
        return BayesResult(float(m > 0), max(-m, 0.0) * abs(mean_c), max(m, 0.0) * abs(mean_c), m, m, m,
                           max(-m, 0.0), _prior_name(prior_mean, prior_sd))
    k = m / sd
    loss_rel_t = _loss(sd * stats.norm.pdf(k) - m * stats.norm.cdf(-k))
    loss_rel_c = _loss(sd * stats.norm.pdf(k) + m * stats.norm.cdf(k))
    z = stats.norm.ppf(1 - (1 - ci) / 2)
    return BayesResult(float(stats.norm.cdf(k)), float(loss_rel_t * abs(mean_c)), float(loss_rel_c * abs(mean_c)),
                       float(m), float(m - z * sd), float(m + z * sd), float(loss_rel_t),
                       _prior_name(prior_mean, prior_sd))


def _prior_name(prior_mean: float, prior_sd: float) -> str:
    return f"normal({prior_mean:+.3g}, {prior_sd:.3g}) on the relative lift" if prior_sd and prior_sd > 0 else "flat"
