"""A plain-language verdict: ship, do not ship, or keep running — and why.

The rules, in order (Kohavi, Tang & Xu 2020, ch. 3 and 21: trust first, then the decision metric):

1. A sample-ratio mismatch makes every lift suspect: **do not ship**; fix the assignment/logging and rerun.
2. The primary metric (the first of ``metric_cols``) is significantly better after the Holm correction:
   **ship**, unless another listed metric is significantly worse (**do not ship**), a guardrail
   (``guardrail_cols``) is shown worse than its non-inferiority margin (**do not ship**) or not yet shown within it
   (**keep running**), or an arm has fewer than ``min_events`` conversions, where the normal approximation is
   unreliable (**keep running**). An SRM warning (p below ``srm_warn_alpha``) is named in the headline.
3. Significantly worse, or flat with a significant harm to any listed metric: **do not ship**.
4. Not significant: **do not ship** when the interval's upper end already rules out the smallest lift worth
   having (``target_relative_lift``); otherwise **keep running** (inconclusive), with the sample that a test
   powered for the target lift would need.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from experiments.abtest.frequentist import Comparison
from experiments.abtest.guardrails import GuardrailResult
from experiments.abtest.labels import display_label
from experiments.abtest.trust import SRMResult

SHIP, NO_SHIP, KEEP = "ship", "do not ship", "keep running"
MIN_EVENTS = 10


@dataclass
class Verdict:
    """The decision, a one-sentence headline with the numbers, and the reasons behind it."""

    decision: str
    headline: str
    reasons: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        """The verdict as markdown: a bold headline and the reasons as bullets, every line escaped by
        ``lab.report.safe`` (labels in it were masked and shortened when the verdict was built)."""
        from experiments.lab.report import safe

        def esc(line: str) -> str:
            return safe.text(line, max_chars=2_000)

        return f"**{esc(self.headline)}**\n\n" + "\n".join(f"- {esc(r)}" for r in self.reasons)


def _fmt_lift(c: Comparison) -> str:
    level = 1 - (2 * c.alpha if c.one_sided else c.alpha)
    if c.kind == "proportion":
        lift = f"{c.abs_lift * 100:+.2f} pp ({c.rate_control:.2%} -> {c.rate_treatment:.2%})"
        ci = f"{level:.0%} CI {c.ci_low * 100:+.2f} to {c.ci_high * 100:+.2f} pp"
    else:
        lift = f"{c.abs_lift:+.4g} ({c.rate_control:.4g} -> {c.rate_treatment:.4g})"
        ci = f"{level:.0%} CI {c.ci_low:+.4g} to {c.ci_high:+.4g}"
    rel = f", {c.rel_lift:+.1%} relative" if math.isfinite(c.rel_lift) else ""
    return f"{display_label(c.metric)} {lift}{rel}, {ci}"


def _names(items: Sequence[Comparison]) -> str:
    return ", ".join(_fmt_lift(c) for c in items)


def decide(primary: Comparison, p_adjusted: float, srm: SRMResult, *,
           guardrails: Sequence[tuple[Comparison, float]] = (), events: tuple[int, int] | None = None,
           target_relative_lift: float = 0.10, n_needed: int | None = None, mde_abs: float | None = None,
           min_events: int = MIN_EVENTS, noninferiority: Sequence[GuardrailResult] = ()) -> Verdict:
    """Return the verdict for ``primary`` (its Holm-adjusted p-value ``p_adjusted``) given the SRM result.

    ``guardrails`` are the other success metrics with their adjusted p-values: any of them significantly worse
    (its raw interval wholly below 0, however many metrics are listed) is a harm. ``noninferiority`` are the
    guardrail metrics' non-inferiority tests (``guardrails.non_inferiority``): a harm, a guardrail shown worse than
    its margin (do not ship) or one not yet shown non-inferior (keep running) overrides "ship". ``events`` the
    (control, treatment) conversion counts of a 0/1 primary; ``n_needed`` the per-group sample a test powered for
    ``target_relative_lift`` needs; ``mde_abs`` the minimum detectable absolute lift of the achieved sample.
    Every harm, guardrail and trust warning is among the reasons.
    """
    alpha = primary.alpha
    variant = display_label(primary.variant)
    who = f"{variant} vs {display_label(primary.control)}"
    stats_line = f"{_fmt_lift(primary)}, p = {primary.p_value:.3g} (Holm-adjusted {p_adjusted:.3g})"
    reasons = [srm.message(), stats_line]
    harms = [g for g, _ in guardrails if g.ci_high < 0]
    harms += [r.comparison for r in noninferiority if r.harmed and r.comparison.metric not in
              {h.metric for h in harms}]
    for h in harms:
        reasons.append(f"Significant harm: {_fmt_lift(h)}.")
    for r in noninferiority:
        name = display_label(r.comparison.metric)
        state = "passed" if r.passed else "FAILED"
        reasons.append(f"Guardrail {name} {state}: non-inferiority at a margin of -{r.margin:.1%} "
                       f"(bound {r.bound:+.4g}), one-sided p = {r.ni_p_value:.3g}; {_fmt_lift(r.comparison)}.")
    if mde_abs is not None and math.isfinite(mde_abs):
        unit = " pp" if primary.kind == "proportion" else ""
        scale = 100 if primary.kind == "proportion" else 1
        reasons.append(f"Minimum detectable effect at 80% power for this sample: {mde_abs * scale:+.3g}{unit} "
                       f"({mde_abs / primary.rate_control:+.0%} relative)." if primary.rate_control else
                       f"Minimum detectable effect at 80% power: {mde_abs * scale:.3g}{unit}.")
    if srm.flagged:
        return Verdict(NO_SHIP, f"Do not ship {variant}: the test is broken (sample-ratio mismatch, "
                                f"p = {srm.p_value:.2g}); fix the assignment and rerun.", reasons)
    significant = math.isfinite(p_adjusted) and p_adjusted < alpha
    failed = [r for r in noninferiority if not r.passed]
    if significant and primary.abs_lift > 0:
        metric = display_label(primary.metric)
        if harms:
            return Verdict(NO_SHIP, f"Do not ship {variant}: {metric} improved but "
                                    f"{'a metric' if len(harms) == 1 else 'metrics'} got significantly worse: "
                                    f"{_names(harms)}.", reasons)
        beyond = [r for r in failed if r.comparison.ci_high < r.bound]
        if beyond:
            names = ", ".join(f"{display_label(r.comparison.metric)} (margin -{r.margin:.1%})" for r in beyond)
            return Verdict(NO_SHIP, f"Do not ship {variant}: {metric} improved but the guardrail {names} is worse "
                                    "than its margin.", reasons)
        if failed:
            names = ", ".join(f"{display_label(r.comparison.metric)} (margin -{r.margin:.1%}, one-sided p = "
                              f"{r.ni_p_value:.2g})" for r in failed)
            return Verdict(KEEP, f"Keep running: {metric} improved for {variant} but the guardrail {names} is not "
                                 "yet shown to stay within its margin.", reasons)
        if events is not None and min(events) < min_events:
            reasons.append(f"Only {min(events)} conversions in the smaller arm: the normal approximation behind "
                           "the z-test is unreliable and the estimate is noisy (a significant result from a small "
                           "sample also overstates the lift).")
            more = f"; about {n_needed:,} units per group are needed for a {target_relative_lift:.0%} lift" \
                if n_needed else ""
            return Verdict(KEEP, f"Keep running: {who} looks better ({_fmt_lift(primary)}) but rests on too few "
                                 f"conversions to sign off{more}.", reasons)
        trust = (f"but the traffic split is off plan (SRM warning, p = {srm.p_value:.2g}): explain it before "
                 "shipping." if srm.warning else "test trustworthy.")
        return Verdict(SHIP, f"Ship {variant}: {_fmt_lift(primary)}, p = {p_adjusted:.2g} (Holm), {trust}", reasons)
    if significant:
        return Verdict(NO_SHIP, f"Do not ship {variant}: it is significantly worse, {_fmt_lift(primary)}.",
                       reasons)
    if harms:
        return Verdict(NO_SHIP, f"Do not ship {variant}: no detectable gain in {display_label(primary.metric)} "
                                f"and a significant harm: {_names(harms)}.", reasons)
    rel_high = primary.ci_high / primary.rate_control if primary.rate_control else float("nan")
    if math.isfinite(rel_high) and rel_high < target_relative_lift:
        return Verdict(NO_SHIP, f"Do not ship {variant}: no detectable effect; the interval "
                                f"rules out a lift of {target_relative_lift:.0%} or more ({_fmt_lift(primary)}).",
                       reasons)
    more = f" About {n_needed:,} units per group are needed to detect a {target_relative_lift:.0%} lift." \
        if n_needed else ""
    return Verdict(KEEP, f"Keep running: inconclusive for {who} ({_fmt_lift(primary)}); the interval still "
                         f"allows a lift worth having.{more}", reasons)
