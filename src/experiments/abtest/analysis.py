"""The whole A/B analysis in one call — what notebook 06 runs and displays: ``run(config, data=None) -> Result``.

In order: input validation (``prepare``), duplicates and assignment consistency (``trust.clean``), SRM against the
planned split (``trust.srm_test``), the fixed-horizon tests with Holm/BH (``frequentist``), CUPED (when a pre-period
column is given), power/MDE, sequential monitoring (when a time column is given), the Bayesian view, segments, the
uplift model, the verdict, the funnel and delta-method ratios (``funnel``, when the funnel columns exist) with CUPED
for ratios (``ratio_cuped``, with ``pre_funnel_cols``), and finally ``aa_sims`` simulated A/A and power experiments
shaped like the first treatment's comparison (``simulate``). ``Result.metrics()`` flattens it into metrics.json.

Every test, CUPED, ratio and Bayesian figure reads the per-variant sums of the engine step (``engine_steps``); only
the quantile bootstrap and the uplift model need unit rows, and above ``unit_sample_rows`` analysed units they read a
seeded sample of that many, stratified by variant (``sample.unit_sample``; ``Result.n_unit_sample``, said in the
report).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from experiments.abtest import (
    bayes,
    cuped,
    engine_steps,
    frequentist,
    funnel,
    groupseq,
    guardrails,
    power,
    ratio_cuped,
    robust,
    sample,
    segments,
    sequential,
    simulate,
    sources,
    trust,
    uplift,
    verdict,
)
from experiments.abtest.config import Config
from experiments.abtest.prepare import ROW_UNIT, is_binary, prepare, variant_order
from experiments.abtest.result import Result


def run(config: Config, data: sources.Data | None = None) -> Result:
    """Run every check, comparison and simulation of ``config`` on ``data`` (``sources.load(config)`` when None)."""
    data = data if data is not None else sources.load(config)
    out = _analyse(data, config)
    out.aa, out.power_sim = aa_simulation(out), power_simulation(out)
    return out


def _analyse(loaded: sources.Data, cfg: Config) -> Result:
    """The analysis of ``loaded.frame`` (one row per unit, before cleaning), without the simulations."""
    df, source = loaded.frame, loaded.source
    unit_col = cfg.unit_col or ROW_UNIT  # no unit column: each row is its own unit (numbered from 1)
    if not cfg.unit_col:
        df = df.assign(**{ROW_UNIT: range(1, len(df) + 1)})
    metric_cols = list(cfg.metric_cols)
    guard_cols = list(cfg.guardrail_cols)
    margins = guardrails.margins_for(guard_cols, cfg.guardrail_margins)
    prepared = prepare(df, unit_col=unit_col, variant_col=cfg.variant_col, control_label=cfg.control_label,
                       metric_cols=list(dict.fromkeys(metric_cols + guard_cols)), pre_metric_col=cfg.pre_metric_col,
                       time_col=cfg.time_col, date_order=cfg.date_order, date_format=cfg.date_format,
                       segment_cols=list(cfg.segment_cols), consistency_col=cfg.consistency_col, source=source)
    cleaned = trust.clean(prepared, unit_col=unit_col, variant_col=cfg.variant_col,
                          consistency_col=cfg.consistency_col)
    trust.require_units(cleaned, cfg.variant_col, variant_order(prepared, cfg.variant_col, cfg.control_label), source)
    numeric = [m for m in dict.fromkeys(metric_cols + guard_cols) if not is_binary(cleaned.data[m])]
    cleaned.data, caps = robust.cap(cleaned.data, numeric, cfg.cap_percentile)  # before CUPED and every test
    data = cleaned.data
    variants = variant_order(prepared, cfg.variant_col, cfg.control_label)
    counts = data[cfg.variant_col].value_counts().reindex(variants, fill_value=0)
    srm = trust.srm_test(counts.to_dict(), cfg.planned_split, threshold=cfg.srm_alpha,
                         warn_threshold=cfg.srm_warn_alpha)
    kw = {"variant_col": cfg.variant_col, "control_label": cfg.control_label, "alpha": cfg.alpha,
          "one_sided": cfg.one_sided}
    cols = {role: col for role, col in funnel.FUNNEL_COLS.items() if col in data.columns}
    stat_frame = ratio_cuped.check_pre_cols(data, cfg.pre_funnel_cols, source) if cfg.pre_funnel_cols else data
    # the data step: every test, CUPED and ratio below reads these per-variant sums (engine_steps)
    arms = engine_steps.arm_moments(cfg.data_engine(), stat_frame, cfg.variant_col,
                                    moment_columns(cfg, list(stat_frame.columns)))
    results = frequentist.compare_all(data, metric_cols, arms=arms, **kw)
    fields = frequentist.Comparison.__dataclass_fields__
    comps = {(r["metric"], r["variant"]): frequentist.Comparison(**{k: r[k] for k in fields})
             for r in results.to_dict("records")}
    out = Result(cfg, loaded, cleaned, srm, variants, results, comps, caps=caps)
    primary = metric_cols[0]
    control = arms[str(cfg.control_label)]
    for v in out.treatments:
        c = comps[(primary, v)]
        treat = arms[str(v)]
        if c.kind == "proportion":
            mde = power.mde_proportion(c.rate_control, c.n_control, c.n_treatment, cfg.alpha, cfg.power, cfg.one_sided)
            needed = (power.n_for_relative_mde(c.rate_control, cfg.target_relative_lift, cfg.alpha, cfg.power,
                                               cfg.one_sided) if 0 < c.rate_control < 1 / (1 + cfg.target_relative_lift)
                      else None)
            events = (int(round(control.sum(primary))), int(round(treat.sum(primary))))
        else:
            sd_c, sd_t = math.sqrt(control.var(primary)), math.sqrt(treat.var(primary))
            mde = power.mde_mean(sd_c, sd_t, c.n_control, c.n_treatment, cfg.alpha, cfg.power, cfg.one_sided)
            delta = cfg.target_relative_lift * abs(c.rate_control)
            z = power.mde_mean(1, 1, 1, 1, cfg.alpha, cfg.power, cfg.one_sided) / math.sqrt(2)
            needed = math.ceil((z * math.sqrt(sd_c**2 + sd_t**2) / delta) ** 2) if delta > 0 else None
            events = None
        out.power[v] = {"mde_abs": mde, "mde_rel": mde / c.rate_control if c.rate_control else float("nan"),
                        "n_needed_per_group": needed if needed is not None else float("nan")}
        if cfg.pre_metric_col:
            out.cuped[v] = cuped.cuped_compare(data, primary, cfg.pre_metric_col, variant=v, arms=arms, **kw)
        if cfg.time_col:
            out.sequential[v] = sequential.daily_cumulative(data, primary, variant=v, time_col=cfg.time_col, **kw)
            out.plans[v] = groupseq.plan(out.sequential[v], needed, method=cfg.sequential_method,
                                         looks=cfg.planned_looks, alpha=cfg.alpha, power=cfg.power,
                                         seq_stop_day=out.stops(v)[1])
        decision, holm = _decision_comparison(c, out.cuped.get(v), results, primary, v, cfg.alpha)
        out.decisions[v] = (decision, float(holm[(primary, v)]))
        guards = [(comps[(m, v)], float(holm[(m, v)])) for m in metric_cols[1:]]
        for g in guard_cols:
            kind = "proportion" if is_binary(data[g]) else "mean"
            gc = frequentist.compare_moments(arms, g, kind=kind, control_label=cfg.control_label, variant=v,
                                             alpha=cfg.alpha, one_sided=cfg.one_sided)
            out.guardrails[(g, v)] = guardrails.non_inferiority(gc, margins[g], cfg.alpha)
        ni = [out.guardrails[(g, v)] for g in guard_cols]
        out.verdicts[v] = verdict.decide(decision, float(holm[(primary, v)]), srm, guardrails=guards,
                                         events=events, target_relative_lift=cfg.target_relative_lift,
                                         n_needed=needed, mde_abs=mde, noninferiority=ni)
    for (metric, v), c in comps.items():
        if cfg.prior_sd > 0:
            t_, c_ = arms[str(v)], arms[str(cfg.control_label)]
            out.bayes[(metric, v)] = bayes.relative_normal(t_.avg(metric), t_.var(metric) / t_.n,
                                                           c_.avg(metric), c_.var(metric) / c_.n,
                                                           cfg.prior_mean, cfg.prior_sd)
            if c.kind == "proportion":
                out.counts[(metric, v)] = arm_counts(arms, metric, cfg.control_label, v)
            continue
        if c.kind == "proportion":
            out.counts[(metric, v)] = arm_counts(arms, metric, cfg.control_label, v)
            x_t, n_t, x_c, n_c = out.counts[(metric, v)]
            out.bayes[(metric, v)] = bayes.beta_binomial(x_t, n_t, x_c, n_c, seed=cfg.seed)
        else:
            out.bayes[(metric, v)] = bayes.normal_posterior(c.abs_lift, c.se, c.rate_control)
    if cfg.segment_cols:
        out.segments = segments.segment_effects(data, list(cfg.segment_cols), metric_cols, **kw)
    # only the quantile bootstrap and the uplift model need units: above unit_sample_rows they read a sample
    units = sample.unit_sample(data, cfg.unit_sample_rows, cfg.variant_col, cfg.seed)
    out.n_unit_sample = len(units) if len(units) < len(data) else 0
    arm = units[cfg.variant_col].astype(str)
    for m_ in [m for m in metric_cols if m in numeric] if cfg.quantiles else []:
        for v in out.treatments:
            out.quantiles[(m_, v)] = robust.quantile_comparison(
                units.loc[arm == v, m_].to_numpy(float), units.loc[arm == cfg.control_label, m_].to_numpy(float),
                list(cfg.quantiles), alpha=cfg.alpha, seed=cfg.seed)
    features = list(cfg.uplift_features) or list(cfg.segment_cols)  # the segments when no features are given
    for v in out.treatments if features else []:
        counts_v = arm.value_counts()
        if not cfg.uplift_features and min(counts_v.get(v, 0), counts_v.get(cfg.control_label, 0)) < 200:
            continue  # too small for a model; an error only when uplift_features were asked for
        out.uplift[v] = uplift.t_learner(units, features=features, outcome=primary, variant_col=cfg.variant_col,
                                         control_label=cfg.control_label, variant=v, seed=cfg.seed,
                                         alpha=cfg.alpha)
    if {"impressions", "clicks"} <= set(cols):
        out.funnel = funnel.funnel_table(data, cfg.variant_col, cols)
        if cfg.time_col:
            out.funnel_daily = funnel.funnel_table(data, [cfg.variant_col, cfg.time_col], cols)
        out.ratios = funnel.ratio_comparison(data, cols=cols, arms=arms, **kw)
    if cfg.pre_funnel_cols:  # CUPED for ratio metrics (Deng, Knoblich & Lu 2018) where both pre columns exist
        out.ratio_cuped = ratio_cuped.ratio_cuped_table(stat_frame, pre_cols=cfg.pre_funnel_cols, cols=cols,
                                                        arms=arms, **kw)
    return out


def moment_columns(cfg: Config, present: list[str]) -> list[str]:
    """The columns whose per-variant moments the analysis reads: metrics, guardrails, the pre-period metric, the
    funnel ratios' numerators and denominators and, with ``pre_funnel_cols``, their pre-period columns."""
    cols = {role: col for role, col in funnel.FUNNEL_COLS.items() if col in present}
    return list(dict.fromkeys([*cfg.metric_cols, *cfg.guardrail_cols, *([cfg.pre_metric_col] if cfg.pre_metric_col
                                                                          else []),
                               *funnel.ratio_columns(cols, present),
                               *(ratio_cuped.ratio_cuped_columns(cols, cfg.pre_funnel_cols, present)
                                 if cfg.pre_funnel_cols else [])]))


def arm_counts(arms: Mapping[str, engine_steps.Moments], metric: str, control_label: str,
               variant: str) -> tuple[int, int, int, int]:
    """Return (successes, units) of ``variant`` then of the control for a 0/1 ``metric``, from the arms' moments."""
    t, c = arms[str(variant)], arms[str(control_label)]
    return int(round(t.sum(metric))), t.n, int(round(c.sum(metric))), c.n


def _decision_comparison(raw: frequentist.Comparison, cuped_result: cuped.CupedResult | None,
                         results: pd.DataFrame, primary: str, variant: str,
                         alpha: float) -> tuple[frequentist.Comparison, pd.Series]:
    """Return the comparison the verdict rests on and the Holm-adjusted p-values of the family.

    With a pre-period metric the decision uses the CUPED-adjusted estimate (same expected lift, smaller variance:
    Deng et al. 2013), and Holm is recomputed over the same family with that p-value in place of the raw one.
    Without one, the raw comparison and the table's Holm p-values are used.
    """
    p = results.set_index(["metric", "variant"])["p_value"].astype(float).copy()
    if cuped_result is None:
        return raw, results.set_index(["metric", "variant"])["p_holm"]
    adjusted = replace(cuped_result.adjusted, metric=f"{primary} (CUPED-adjusted)")
    p[(primary, variant)] = adjusted.p_value
    return adjusted, pd.Series(frequentist.adjust_pvalues(p.to_numpy(), "holm", alpha), index=p.index)


def aa_simulation(a: Result) -> simulate.AASimulation | None:
    """Simulate ``config.aa_sims`` A/A tests shaped like ``a``'s first treatment; None when ``aa_sims`` is 0."""
    if a.config.aa_sims <= 0:
        return None
    return simulate.simulate_aa(n_sims=a.config.aa_sims, alpha=a.config.alpha, seed=a.config.seed,
                                looks=a.config.planned_looks, **a.simulated_design())


def power_simulation(a: Result) -> simulate.PowerSimulation | None:
    """Simulate ``config.aa_sims`` experiments shaped like ``a``'s first treatment with the fixed test's MDE planted.

    At that lift the fixed test has ``config.power`` (80%) power by construction, so the table reads as: with the
    same maximum sample, how much power does each sequential rule keep, and how much earlier does it stop? None
    when ``aa_sims`` is 0 or no lift is detectable (a design too small for any lift below a rate of 1).
    """
    if a.config.aa_sims <= 0:
        return None
    design = a.simulated_design()
    lift = simulate.mde_lift(design, a.config.alpha, a.config.power)
    if not lift == lift or float(design["rate"]) * (1 + lift) >= 1:
        return None
    return simulate.simulate_power(n_sims=a.config.aa_sims, relative_lift=lift, alpha=a.config.alpha,
                                   seed=a.config.seed + 1, looks=a.config.planned_looks, **design)
