"""Tables and sentences for the notebook: rounding and wording only, no statistics.

Every sentence is an IPython ``Markdown`` built by ``lab.report.safe.md`` (labels, column names and other
data-derived text escaped, masked and shortened); every table goes through ``table`` (``safe.frame``). The
``*_section`` functions return what one numbered section of notebook 06 shows, in order (sentences, tables and the
section's figures from ``charts``), so the notebook's cells only ``display`` them.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from experiments.abtest import charts, power
from experiments.abtest.labels import display_label
from experiments.abtest.result import Result
from experiments.abtest.simulate import AASimulation, PowerSimulation
from experiments.lab.report import safe


def table(df: pd.DataFrame):
    """A table ready for ``display``: every text cell, column name and index label cut by ``labels.display_label``
    (masked, at most 60 characters plus the full length), then ``safe.frame``."""
    out = df.copy()

    def cut(v: object) -> object:
        return display_label(v) if isinstance(v, str) else v

    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(cut)
    out.columns = [cut(c) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(cut)
    return safe.frame(out)


def results_table(a: Result) -> pd.DataFrame:
    """The fixed-horizon results, one row per metric x variant, as short as fits the page at 1280 px: the rates, the
    absolute and relative lift each with its interval in one cell, the raw and Holm p-values (counts, statistics
    and BH in ``results_details``)."""
    r = a.results

    def interval(lift: pd.Series, low: pd.Series, high: pd.Series, scale: float, fmt: str) -> list[str]:
        return [f"{scale * v:{fmt}} ({scale * lo:{fmt}} to {scale * hi:{fmt}})"
                for v, lo, hi in zip(lift, low, high, strict=True)]

    return pd.DataFrame({
        "metric": r["metric"], "variant": r["variant"], "control": r["rate_control"].round(5),
        "treatment": r["rate_treatment"].round(5),
        "abs lift (CI)": interval(r["abs_lift"], r["ci_low"], r["ci_high"], 1, "+.5f"),
        "rel lift % (CI)": interval(r["rel_lift"], r["rel_ci_low"], r["rel_ci_high"], 100, "+.1f"),
        "p": r["p_value"].map(lambda p: f"{p:.3g}"), "p Holm": r["p_holm"].map(lambda p: f"{p:.3g}")})


def results_details(a: Result) -> pd.DataFrame:
    """The rest of the fixed-horizon results: test, units per arm, the statistic and the BH-adjusted p-value."""
    r = a.results
    return pd.DataFrame({
        "metric": r["metric"], "variant": r["variant"],
        "test": r["kind"].map({"proportion": "z (2 props)", "mean": "Welch t"}),
        "n control": r["n_control"], "n treatment": r["n_treatment"], "z / t": r["stat"].round(2),
        "p BH": r["p_bh"].map(lambda p: f"{p:.3g}")})


def verdict_markdown(a: Result):
    """The overall verdict (headline and reasons) and, with several treatments, one line per treatment."""
    from IPython.display import Markdown

    text = a.overall_verdict().markdown()
    if len(a.treatments) > 1:
        text += "\n\n" + "\n".join(f"- **{safe.text(display_label(t))}**: {safe.text(a.verdicts[t].headline, 2_000)}"
                                   for t in a.treatments)
    return Markdown(text)


def srm_markdown(a: Result):
    """The sample-ratio sentence (labels escaped by ``safe.text``), in bold when the split is off plan."""
    from IPython.display import Markdown

    line = safe.text(a.srm.message(), 2_000)
    return Markdown(f"**{line}**" if a.srm.flagged else line)


def caps_sentence(a: Result) -> str:
    """Which numeric metrics were capped, at which value."""
    caps = ", ".join(f"{safe.text(display_label(m))} at {v:,.4g}" for m, v in a.caps.items())
    return (f"Numeric metrics capped at their pooled {a.config.cap_percentile:g}th percentile before CUPED and the "
            f"tests: {caps}.")


def quantile_table(a: Result) -> pd.DataFrame:
    """Quantile comparisons of the numeric metrics: sample quantiles, difference and bootstrap interval."""
    frames = [t.assign(metric=m, variant=v) for (m, v), t in a.quantiles.items()]
    out = pd.concat(frames, ignore_index=True)
    out["quantile"] = (100 * out["quantile"]).map(lambda q: f"p{q:g}")
    cols = ["metric", "variant", "quantile", "control", "treatment", "diff", "ci_low", "ci_high"]
    return out[cols].round(4).rename(columns={"ci_low": "bootstrap CI low", "ci_high": "bootstrap CI high"})


def cuped_sentence(a: Result, variant: str):
    """CUPED in one sentence: the raw and adjusted intervals and how much narrower."""
    cu = a.cuped[variant]
    return safe.md(
        "CUPED with {pre} (theta = {theta:.3f}, correlation {rho:.2f}) cuts the variance of {metric} by "
        "{vr:.1%}: the interval for {variant} goes from [{rl:+.5f}, {rh:+.5f}] to [{al:+.5f}, {ah:+.5f}] "
        "({narrower:.1%} narrower; p {rp:.3g} -> {ap:.3g}).", pre=display_label(a.config.pre_metric_col),
        theta=cu.theta, rho=cu.correlation, metric=display_label(a.primary), vr=cu.variance_reduction,
        variant=display_label(variant), rl=cu.raw.ci_low,
        rh=cu.raw.ci_high, al=cu.adjusted.ci_low, ah=cu.adjusted.ci_high, narrower=1 - cu.ci_width_ratio,
        rp=cu.raw.p_value, ap=cu.adjusted.p_value)


def ratios_table(a: Result) -> pd.DataFrame:
    """The funnel ratios per variant with delta-method SEs; the differences on the treatment rows only (blank on the
    control's), p-values with 3 significant digits (never a rounded 0)."""
    r = a.ratios
    treat = r["variant"] != a.config.control_label

    def num(col: str, fmt: str) -> list[str]:
        return [fmt.format(v) if t and pd.notna(v) else "" for v, t in zip(r[col], treat, strict=True)]

    return pd.DataFrame({"ratio": r["ratio"].str.upper(), "variant": r["variant"], "units": r["units"],
                         "value": r["value"].round(5), "SE (delta)": r["se"].round(5),
                         "naive SE": [f"{v:.5f}" if pd.notna(v) else "" for v in r["naive_se"]],
                         "abs lift": num("abs_lift", "{:+.5f}"), "CI low": num("ci_low", "{:+.5f}"),
                         "CI high": num("ci_high", "{:+.5f}"), "rel lift": num("rel_lift", "{:+.1%}"),
                         "z": num("z", "{:.2f}"), "p": num("p_value", "{:.3g}")})


def ratio_cuped_table(a: Result) -> pd.DataFrame:
    """CUPED for ratio metrics, one row per ratio x treatment: raw and adjusted difference with intervals."""
    r = a.ratio_cuped
    return pd.DataFrame({"ratio": r["ratio"].str.upper(), "variant": r["variant"],
                         "raw diff": r["raw_abs_lift"].round(5), "raw SE": r["raw_se"].round(5),
                         "CUPED diff": r["abs_lift"].round(5), "CUPED SE": r["se"].round(5),
                         "CUPED CI": [f"{lo:+.5f} to {hi:+.5f}" for lo, hi in zip(r["ci_low"], r["ci_high"],
                                                                                   strict=True)],
                         "p": r["p_value"].map(lambda p: f"{p:.3g}"), "theta": r["theta"].round(3),
                         "variance removed": r["variance_reduction"].map(lambda v: f"{v:.0%}")})


def power_sentence(a: Result, variant: str):
    """What the achieved sample can detect, and the power.prop.test reference figure (3% vs 2%)."""
    reference_n = power.power_prop_test_n(0.03, 0.02, alpha=0.05, power=0.8)
    c, pw = a.comparisons[(a.primary, variant)], a.power[variant]
    scale, unit = (100, " pp") if c.kind == "proportion" else (1, "")
    need = pw["n_needed_per_group"]
    need_txt = f"{int(need):,}" if isinstance(need, int | float) and math.isfinite(need) else "n/a"
    return safe.md(
        "With {nc:,} control and {nt:,} {variant} units, the smallest lift in {metric} detectable with 80% power at "
        "alpha {alpha:g} is {mde:+.3g}{unit} ({rel:+.0%} relative to the control's {base:.4g}). Detecting a "
        "{target:.0%} relative lift would need {need} units per group. Reference: p1 = 3% vs p2 = 2% needs "
        "{ref:,} per group (R's power.prop.test).", nc=c.n_control, nt=c.n_treatment, variant=display_label(variant),
        metric=display_label(a.primary), alpha=a.config.alpha, mde=pw["mde_abs"] * scale, unit=unit, rel=pw["mde_rel"],
        base=c.rate_control, target=a.config.target_relative_lift, need=need_txt, ref=math.ceil(reference_n))


def power_reference_sentence() -> str:
    """statsmodels' Cohen's h sample size for the same 3% vs 2% reference (arcsine transform)."""
    return (f"(statsmodels' Cohen's h version of the same reference: {math.ceil(power.cohen_h_n(0.03, 0.02)):,} "
            "per group — the arcsine transform, not the pooled normal approximation.)")


def sequential_sentence(table: pd.DataFrame, naive_stop: int | None, seq_stop: int | None) -> str:
    """Where a naive peeker and the always-valid sequence would have stopped."""
    last = table.iloc[-1]
    naive = (f"a naive daily z-test would have declared a winner on day {naive_stop} "
             f"(p = {table['naive_p'].iloc[naive_stop - 1]:.3g})" if naive_stop else
             "a naive daily z-test never reached p < alpha")
    seq = (f"the always-valid confidence sequence excludes 0 from day {seq_stop}" if seq_stop else
           "the always-valid confidence sequence never excludes 0")
    return (f"Over {len(table)} days, {naive}; {seq}. On the last day the sequence is "
            f"[{last['cs_low']:+.5f}, {last['cs_high']:+.5f}] vs the fixed-horizon [{last['naive_low']:+.5f}, "
            f"{last['naive_high']:+.5f}] — wider, the price of being allowed to look every day.")


def aa_sentence(sim: AASimulation) -> str:
    """The A/A simulation's false-positive rates, one per decision rule, each with its Monte Carlo SE, and which
    valid rules stay at or below alpha within 2 Monte Carlo SE (read from the rates, not assumed)."""
    def rate(r: float) -> str:
        return f"{r:.2%} (SE {sim.rate_se(r):.2%})"

    valid = {"fixed horizon": sim.fixed, "always-valid sequence": sim.sequential}
    gs = ""
    if sim.obrien_fleming is not None:
        gs = f", O'Brien-Fleming spending {rate(sim.obrien_fleming)}, Pocock spending {rate(sim.pocock)}"
        valid |= {"O'Brien-Fleming": sim.obrien_fleming, "Pocock": sim.pocock}
    over = [name for name, r in valid.items() if r > sim.alpha + 2 * sim.mc_se]
    verdict = ("every rule except naive peeking stays at or below alpha within 2 Monte Carlo SE" if not over else
               f"above alpha by more than 2 Monte Carlo SE: {', '.join(over)}")
    peek = (f"; naive peeking inflates it {sim.naive_peeking / sim.alpha:.1f}-fold"
            if sim.naive_peeking > sim.alpha + 2 * sim.mc_se else "")
    return (f"In {sim.n_sims:,} simulated A/A tests at alpha {sim.alpha:g} (Monte Carlo SE of a {sim.alpha:.0%} "
            f"rate: {sim.mc_se:.2%}): the fixed-horizon test rejects {rate(sim.fixed)}, daily naive peeking "
            f"{rate(sim.naive_peeking)}, the always-valid sequence {rate(sim.sequential)}{gs}. Read from these "
            f"rates: {verdict}{peek}.")


_RULE_NAMES = {"fixed": "fixed horizon (one test at the end)", "naive_peeking": "naive daily peeking",
               "sequential": "always-valid sequence (mSPRT)", "obrien_fleming": "O'Brien-Fleming spending",
               "pocock": "Pocock spending"}


def simulation_table(aa: AASimulation | None, pw: PowerSimulation | None) -> pd.DataFrame:
    """One row per decision rule: its A/A false-positive rate and, with the fixed test's MDE planted, its power,
    mean stopping day and mean units per group at the stop, each rate with its Monte Carlo SE."""
    rows = []
    for rule, name in _RULE_NAMES.items():
        row: dict[str, object] = {"rule": name}
        fpr = getattr(aa, rule, None) if aa else None
        if fpr is not None:
            row["A/A false positives (± MC SE)"] = f"{fpr:.2%} ± {aa.rate_se(fpr):.2%}"
        if pw is not None:
            hit = pw.power.get(rule)
            row["power at the MDE (± MC SE)"] = "—" if hit is None else f"{hit:.1%} ± {pw.rate_se(hit):.1%}"
            row["mean stop day"] = "—" if hit is None else f"{pw.mean_stop_day[rule]:.1f} of {pw.days}"
            row["mean units per group"] = "—" if hit is None else f"{pw.mean_n_per_group[rule]:,.0f}"
        rows.append(row)
    return pd.DataFrame(rows)


def power_sim_sentence(pw: PowerSimulation, illustrative: bool = False) -> str:
    """What the power simulation planted and how the fixed test's simulated power compares with the formula;
    ``illustrative`` says the deciding metric is not a proportion (the simulated 0/1 rate stands in for it)."""
    rate = (f"an illustrative {pw.rate_control:.0%} conversion rate (the deciding metric is not a 0/1 outcome, so "
            "the simulation shows how the rules behave rather than reproducing it)" if illustrative else
            f"a {pw.rate_control:.2%} control rate")
    return (f"Power simulation: {pw.n_sims:,} experiments of {pw.days} days x {pw.units_per_day:,} units per arm per "
            f"day at {rate}, the treatment converting {pw.relative_lift:+.1%} higher "
            f"(the smallest lift the fixed test detects with 80% power here). The fixed test detects "
            f"{pw.power['fixed']:.1%} of them (formula: {pw.analytic_fixed:.1%}); the sequential rules run at most as "
            "long, so they trade some power for stopping earlier when the lift is there.")


_METHOD_NAMES = {"msprt": "the always-valid sequence (mSPRT)", "obrien_fleming": "O'Brien-Fleming alpha spending",
                 "pocock": "Pocock alpha spending", "fixed": "the fixed-horizon test"}


def plan_sentence(a: Result, variant: str) -> str:
    """The sequential plan: the sample each method needs, where the chosen one stands and the days remaining."""
    sp = a.plans[variant]
    needs = ", ".join(f"{_METHOD_NAMES[k]} {n:,}" for k, n in sp.n_needed.items() if n)
    if not needs:
        return "No sample size for the target lift (the control rate does not allow it): no sequential plan."
    stop = ""
    if sp.method != "msprt":
        stop = (f" With {sp.looks} planned looks it crossed its boundary at look {sp.stop_look}." if sp.stop_look else
                f" With {sp.looks} planned looks no boundary reached so far.")
    left = ("it can stop now" if sp.days_remaining == 0 else
            f"about {sp.days_remaining:,} more days at the observed traffic")
    return (f"Units needed per group for a {a.config.target_relative_lift:.0%} lift at 80% power: {needs}. "
            f"Chosen method: {_METHOD_NAMES[sp.method]};{stop} verdict timing: {left}.")


def uplift_sentence(a: Result, variant: str):
    """The held-out Qini with its bootstrap interval first, then who gains most — or, when the interval covers 0,
    that the uplift is flat and the ranking is no targeting advice."""
    up = a.uplift[variant]
    column, _, value = up.top_group.partition("=")
    level = 1 - a.config.alpha
    head = safe.md("Qini on {n_test:,} held-out units: {qini:+.4g} above random targeting ({level:.0%} bootstrap "
                   "interval {low:+.4g} to {high:+.4g}); area under the uplift curve {auuc:.4g} per unit.",
                   n_test=up.n_test, qini=up.qini, level=level, low=up.qini_low, high=up.qini_high, auuc=up.auuc)
    if not up.top_group:  # only categorical features name a group
        verdict = ("The ranking beats random targeting." if up.qini_low > 0 else
                   "**The uplift is flat: the interval covers 0, so this is not targeting advice.**")
        body = safe.md(verdict + " No categorical feature value stands out in the top tenth by predicted uplift "
                       "(numeric features rank units but name no group).")
    elif up.qini_low > 0:
        body = safe.md("The ranking beats random targeting: the top tenth by predicted uplift from {variant} is "
                       "{share:.0%} units with {column} = {value} (against {base:.0%} of all units), so that group "
                       "is where the effect is concentrated.", variant=display_label(variant), share=up.top_share,
                       column=display_label(column), value=display_label(value), base=up.base_share)
    else:
        body = safe.md("**The uplift is flat: the interval covers 0 (or lies below it), so ranking units by predicted "
                       "uplift is not shown to beat treating them at random. This is not targeting advice**; the "
                       "top tenth's most over-represented group ({column} = {value}, {share:.0%} against {base:.0%} "
                       "overall) is listed for completeness only.", column=display_label(column),
                       value=display_label(value), share=up.top_share, base=up.base_share)
    from IPython.display import Markdown

    return Markdown(f"{head.data}\n\n{body.data}")


def bayes_table(a: Result) -> pd.DataFrame:
    """Probability to beat control and expected loss per metric and treatment variant."""
    rows = []
    for (metric, v), b in a.bayes.items():
        c = a.comparisons[(metric, v)]
        posterior = (f"normal, prior {b.prior}" if b.prior != "flat" else
                     "Beta-Binomial (uniform prior)" if c.kind == "proportion" else "normal (flat prior)")
        rows.append({"metric": metric, "variant": v, "posterior": posterior, "P(beats control)": round(b.prob_beat, 4),
                     "expected loss if shipped": f"{b.expected_loss_treatment:.2g}",
                     "expected loss if not shipped": f"{b.expected_loss_control:.2g}",
                     "expected relative loss if shipped": f"{b.expected_loss_rel:.2%}",
                     "relative lift (median, 95% credible)": f"{b.rel_lift_median:+.1%} "
                                                             f"({b.rel_lift_low:+.1%} to {b.rel_lift_high:+.1%})"})
    return pd.DataFrame(rows)


def segments_table(a: Result, top: int = 15) -> pd.DataFrame:
    """The segment tests with the smallest p-values, rounded, with Holm and BH."""
    s = a.segments
    if s is None or s.empty or "p_value" not in s:
        return pd.DataFrame()
    s = s[s["tested"].astype(bool)].sort_values("p_value").head(top)
    return pd.DataFrame({"segment": s["segment"], "level": s["level"], "metric": s["metric"],
                         "variant": s["variant"], "n": s["n_control"] + s["n_treatment"],
                         "abs lift": s["abs_lift"].round(5), "rel lift %": (100 * s["rel_lift"]).round(1),
                         "p": s["p_value"].map(lambda p: f"{p:.3g}"), "p Holm": s["p_holm"].map(lambda p: f"{p:.3g}"),
                         "p BH": s["p_bh"].map(lambda p: f"{p:.3g}")}).reset_index(drop=True)


def _md(text: str):
    from IPython.display import Markdown

    return Markdown(text)


def sample_sentence(a: Result, what: str) -> str:
    """Which figures come from the seeded unit sample (``unit_sample_rows``), said where they are shown."""
    return (f"{what} read a seeded random sample of {a.n_unit_sample:,} of the {len(a.data):,} analysed units "
            f"(`unit_sample_rows`); every test, interval and CUPED figure above reads all of them.")


def unit_sentence(a: Result) -> str:
    """Said when ``unit_col`` is empty: each row is its own unit ("" when a unit column identifies the units)."""
    if a.config.unit_col:
        return ""
    return (f"No unit column given (`unit_col` empty): each of the {a.clean.n_rows_in:,} rows is its own unit, so "
            "repeated units and units seen in two variants cannot be checked.")


def trust_section(a: Result) -> list[Any]:
    """Section 1: each row its own unit (when ``unit_col`` is empty), the sample-ratio sentence, the trust checks'
    counts and the split chart."""
    units = [_md(unit_sentence(a))] if unit_sentence(a) else []
    return [*units, srm_markdown(a), table(a.clean.summary()), charts.shown(charts.split_chart(a.srm))]


def lift_section(a: Result) -> list[Any]:
    """Section 2: the fixed-horizon results (lifts and p-values, then the test details), the capping sentence and
    quantile table (when used), the forest plot."""
    out: list[Any] = [table(results_table(a)), table(results_details(a))]
    if a.caps:
        out.append(_md(caps_sentence(a)))
    if a.quantiles:
        out.append(table(quantile_table(a)))
        if a.n_unit_sample:
            out.append(_md(sample_sentence(a, "The quantiles and their bootstrap intervals")))
    return out + [charts.shown(charts.lift_chart(a.results))]


def funnel_section(a: Result) -> list[Any]:
    """Section 3: funnel totals, delta-method ratios and the daily CVR chart (or why there is no funnel)."""
    if a.funnel is None:
        return [_md("No funnel columns (impressions, clicks, conversions, revenue, cost) in this table.")]
    out: list[Any] = [table(a.funnel.round(4)), table(ratios_table(a))]
    if a.funnel_daily is not None:
        out.append(charts.shown(charts.daily_rate_chart(a.funnel_daily, a.config.variant_col, "cvr",
                                                        "CVR (conversions per click)")))
    return out


def cuped_section(a: Result) -> list[Any]:
    """Section 4: CUPED per treatment and ratio CUPED (or why they were skipped)."""
    out: list[Any] = [] if a.cuped else [_md("No pre-period column given (`pre_metric_col`): CUPED skipped.")]
    out += [cuped_sentence(a, t) for t in a.cuped]
    if a.ratio_cuped is not None and not a.ratio_cuped.empty:
        out.append(table(ratio_cuped_table(a)))
    elif a.config.pre_funnel_cols:
        out.append(_md("No funnel ratio has both its numerator and denominator in `pre_funnel_cols`: no ratio "
                       "CUPED."))
    return out


def power_section(a: Result) -> list[Any]:
    """Section 5: the MDE of the achieved sample per treatment and the reference sample sizes."""
    return [power_sentence(a, t) for t in a.treatments] + [_md(power_reference_sentence())]


def sequential_section(a: Result) -> list[Any]:
    """Section 6: per treatment the daily sequence (sentence, chart, plan), then the A/A and power simulations."""
    out: list[Any] = []
    for t, daily in a.sequential.items():
        out += [_md(sequential_sentence(daily, *a.stops(t))),
                charts.shown(charts.sequential_chart(daily, a.primary, *a.stops(t),
                                                     percent=(a.primary, t) in a.counts)),
                _md(plan_sentence(a, t))]
        if a.plans[t].bounds:
            out.append(table(a.plans[t].table()))
    if not a.sequential:
        out.append(_md("No time column given (`time_col`): no daily view."))
    out.append(_md(aa_sentence(a.aa) if a.aa else "A/A and power simulations skipped (`aa_sims` = 0)."))
    if a.power_sim is not None:
        out.append(_md(power_sim_sentence(a.power_sim, a.simulations_illustrative)))
    if a.aa is not None:
        out.append(table(simulation_table(a.aa, a.power_sim)))
    return out


def bayes_section(a: Result) -> list[Any]:
    """Section 7: the Bayesian table and the first 0/1 metric's Beta posteriors (when there is one)."""
    fig = charts.posterior_for(a)
    return [table(bayes_table(a))] + ([charts.shown(fig)] if fig is not None else [])


def segments_section(a: Result) -> list[Any]:
    """Section 8: the segment tests with corrected p-values and their chart (or why there are none)."""
    if a.segments is None or a.segments.empty:
        return [_md("No segment columns given (`segment_cols`).")]
    return [table(segments_table(a)), charts.shown(charts.segment_chart(a.segments, a.primary, a.config.alpha))]


def uplift_section(a: Result) -> list[Any]:
    """Section 9: per treatment the Qini with its interval first (flat uplift said in words), then the curve."""
    out: list[Any] = [_md(sample_sentence(a, "The uplift model"))] if a.uplift and a.n_unit_sample else []
    for t, up in a.uplift.items():
        out += [uplift_sentence(a, t), charts.shown(charts.uplift_chart(up.curve, up.top_group, a.primary,
                                                                      flat=not up.qini_low > 0))]
    if not a.uplift:
        out.append(_md("No uplift features (`uplift_features`, else `segment_cols`) or too few units: no uplift "
                       "model."))
    return out
