"""Guardrail metrics: one-sided non-inferiority tests in their own family.

A guardrail (revenue, retention, latency ...) is not something the variant must improve, only something it must
not make worse by more than a margin. With a relative margin ``m`` (``guardrail_margins``, e.g. 0.01 for "revenue
may not drop by more than 1%"), the test of treatment vs control is one-sided:

    H0: mu_t - mu_c <= -m |mu_c|      against      H1: mu_t - mu_c > -m |mu_c|

    z = (d + m |mu_c|) / se,   p = 1 - Phi(z)

with d and se the unpooled difference and its standard error (two proportions: sqrt(p_t q_t / n_t + p_c q_c / n_c);
means: Welch's). The margin is taken at the observed control mean (Kohavi, Tang & Xu 2020, ch. 7 and 21;
Wellek 2010, "Testing Statistical Hypotheses of Equivalence and Noninferiority"). The guardrail passes when
p < alpha. The guardrails form their own family, separate from the success metrics' Holm family: shipping needs
*every* guardrail to pass, an intersection-union test, so each is tested at alpha without correction (Berger 1982,
Technometrics 24) and adding metrics to ``metric_cols`` cannot change whether a guardrail passes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy import stats

from experiments.abtest.frequentist import Comparison
from experiments.common.errors import DataInputError


@dataclass
class GuardrailResult:
    """The non-inferiority test of one guardrail metric for one treatment."""

    comparison: Comparison
    margin: float
    ni_z: float
    ni_p_value: float
    passed: bool

    @property
    def harmed(self) -> bool:
        """True when the metric is significantly worse (its interval lies wholly below 0)."""
        return bool(self.comparison.ci_high < 0)

    @property
    def bound(self) -> float:
        """The absolute non-inferiority bound -margin |control|."""
        return -self.margin * abs(self.comparison.rate_control)


def non_inferiority(c: Comparison, margin: float, alpha: float) -> GuardrailResult:
    """Return the one-sided non-inferiority test of ``c`` at relative ``margin`` (see the module docstring)."""
    shift = margin * abs(c.rate_control)
    if c.se > 0:
        z = (c.abs_lift + shift) / c.se
        p = float(stats.norm.sf(z))
    else:
        z = math.inf if c.abs_lift + shift > 0 else -math.inf
        p = 0.0 if c.abs_lift + shift > 0 else 1.0
    return GuardrailResult(c, float(margin), float(z), p, bool(p < alpha))


def margins_for(guardrail_cols: Sequence[str], margins: Mapping[str, float] | None) -> dict[str, float]:
    """Return ``{guardrail: margin}``; raise ``DataInputError`` naming ``guardrail_margins`` for a guardrail
    without a margin, a margin for no guardrail, or a margin outside [0, 1)."""
    margins = dict(margins or {})
    missing = [g for g in guardrail_cols if g not in margins]
    extra = sorted(set(margins) - set(guardrail_cols))
    if missing or extra:
        raise DataInputError("guardrail_margins: every guardrail needs a relative margin (e.g. {\"revenue\": 0.01})"
                             + (f"; missing for {missing}" if missing else "")
                             + (f"; given for {extra}, which is not in guardrail_cols" if extra else ""))
    bad = {g: m for g, m in margins.items()
           if isinstance(m, bool) or not isinstance(m, int | float) or not 0 <= m < 1}
    if bad:
        raise DataInputError(f"guardrail_margins: margins are relative, in [0, 1); found {bad}")
    return {g: float(margins[g]) for g in guardrail_cols}
