"""A plain-language verdict: ship, do not ship, or keep running — and why.

The rules, in order (Kohavi, Tang & Xu 2020, ch. 3 and 21: trust first, then the decision metric):

1. A sample-ratio mismatch makes every lift suspect: **do not ship**; fix the assignment/logging and rerun.
2. The primary metric (the first of ``metric_cols``) is significantly better after the Holm correction:
   **ship**, unless a guardrail (another metric) is significantly worse (**do not ship**) or an arm has fewer than
   ``min_events`` conversions, where the normal approximation is unreliable (**keep running**).
3. Significantly worse: **do not ship**.
4. Not significant: **do not ship** when the interval's upper end already rules out the smallest lift worth
   having (``target_relative_lift``); otherwise **keep running** (inconclusive), with the sample that a test
   powered for the target lift would need.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from experiments.abtest.frequentist import Comparison
from experiments.abtest.trust import SRMResult
from experiments.abtest.units import display_label

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


def decide(primary: Comparison, p_adjusted: float, srm: SRMResult, *,
           guardrails: Sequence[tuple[Comparison, float]] = (), events: tuple[int, int] | None = None,
           target_relative_lift: float = 0.10, n_needed: int | None = None, mde_abs: float | None = None,
           min_events: int = MIN_EVENTS) -> Verdict:
    """Return the verdict for ``primary`` (its Holm-adjusted p-value ``p_adjusted``) given the SRM result.

    ``guardrails`` are other metrics with their adjusted p-values; ``events`` the (control, treatment) conversion
    counts of a 0/1 primary; ``n_needed`` the per-group sample a test powered for ``target_relative_lift`` needs;
    ``mde_abs`` the minimum detectable absolute lift of the achieved sample.
    """
    alpha = primary.alpha
    variant = display_label(primary.variant)
    who = f"{variant} vs {display_label(primary.control)}"
    stats_line = f"{_fmt_lift(primary)}, p = {primary.p_value:.3g} (Holm-adjusted {p_adjusted:.3g})"
    reasons = [srm.message(), stats_line]
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
    if significant and primary.abs_lift > 0:
        worse = [(g, p) for g, p in guardrails if math.isfinite(p) and p < alpha and g.abs_lift < 0]
        if worse:
            names = ", ".join(f"{display_label(g.metric)} ({_fmt_lift(g)})" for g, _ in worse)
            metric = display_label(primary.metric)
            return Verdict(NO_SHIP, f"Do not ship {variant}: {metric} improved but a guardrail got "
                                    f"significantly worse: {names}.", reasons)
        if events is not None and min(events) < min_events:
            reasons.append(f"Only {min(events)} conversions in the smaller arm: the normal approximation behind "
                           "the z-test is unreliable and the estimate is noisy (a significant result from a small "
                           "sample also overstates the lift).")
            more = f"; about {n_needed:,} units per group are needed for a {target_relative_lift:.0%} lift" \
                if n_needed else ""
            return Verdict(KEEP, f"Keep running: {who} looks better ({_fmt_lift(primary)}) but rests on too few "
                                 f"conversions to sign off{more}.", reasons)
        return Verdict(SHIP, f"Ship {variant}: {_fmt_lift(primary)}, p = {p_adjusted:.2g} "
                             f"(Holm), test trustworthy.", reasons)
    if significant:
        return Verdict(NO_SHIP, f"Do not ship {variant}: it is significantly worse, {_fmt_lift(primary)}.",
                       reasons)
    rel_high = primary.ci_high / primary.rate_control if primary.rate_control else float("nan")
    if math.isfinite(rel_high) and rel_high < target_relative_lift:
        return Verdict(NO_SHIP, f"Do not ship {variant}: no detectable effect; the interval "
                                f"rules out a lift of {target_relative_lift:.0%} or more ({_fmt_lift(primary)}).",
                       reasons)
    more = f" About {n_needed:,} units per group are needed to detect a {target_relative_lift:.0%} lift." \
        if n_needed else ""
    return Verdict(KEEP, f"Keep running: inconclusive for {who} ({_fmt_lift(primary)}); the interval still "
                         f"allows a lift worth having.{more}", reasons)
