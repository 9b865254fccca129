"""The whole A/B analysis in one call — what notebook 06 runs and displays.

``analyse(df, config)`` runs, in order: input validation (``data.prepare``), duplicates and assignment consistency
(``trust.clean``), SRM against the planned split (``trust.srm_test``), the fixed-horizon tests with Holm/BH
(``frequentist``), CUPED (when a pre-period column is given), power/MDE, sequential monitoring (when a time column
is given), the Beta-Binomial view, segments, the verdict, then the funnel and delta-method ratios (``funnel``, when
the funnel columns exist) with CUPED for ratios (``ratio_cuped``, with ``pre_funnel_cols``). ``metrics(analysis)``
(``keys``) flattens the result into the metrics.json contract; ``aa_simulation`` and ``power_simulation``
(``simchecks``) simulate experiments shaped like it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from experiments.abtest import (
    bayes,
    cuped,
    frequentist,
    funnel,
    groupseq,
    guardrails,
    power,
    ratio_cuped,
    robust,
    segments,
    sequential,
    trust,
    units,
    uplift,
    verdict,
)
from experiments.abtest.keys import metrics  # noqa: F401 (re-exported for 06)
from experiments.abtest.simchecks import aa_simulation, power_simulation  # noqa: F401 (re-exported for 06)
from experiments.abtest.units import prepare, variant_order


@dataclass
class ABConfig:
    """The analysis roles and settings (the notebook's parameters, "" / [] / None meaning not given)."""

    unit_col: str
    variant_col: str
    control_label: str
    metric_cols: Sequence[str]
    planned_split: Mapping[str, float] | Sequence[float] | None = None
    pre_metric_col: str = ""
    time_col: str = ""
    segment_cols: Sequence[str] = ()
    consistency_col: str = ""
    alpha: float = 0.05
    one_sided: bool = False
    target_relative_lift: float = 0.10
    power: float = 0.8
    srm_alpha: float = trust.SRM_ALPHA
    seed: int = 42
    guardrail_cols: Sequence[str] = ()
    guardrail_margins: Mapping[str, float] = field(default_factory=dict)
    srm_warn_alpha: float = trust.SRM_WARN_ALPHA
    sequential_method: str = "msprt"
    prior_mean: float = 0.0
    uplift_features: Sequence[str] = ()
    cap_percentile: float = 0.0
    quantiles: Sequence[float] = ()
    prior_sd: float = 0.0
    planned_looks: int = 5
    pre_funnel_cols: Mapping[str, str] = field(default_factory=dict)


@dataclass
class ABAnalysis:
    """Everything the report shows. ``results`` holds one row per metric x treatment variant."""

    config: ABConfig
    clean: trust.CleanResult
    srm: trust.SRMResult
    variants: list[str]
    results: pd.DataFrame
    comparisons: dict[tuple[str, str], frequentist.Comparison]
    power: dict[str, dict[str, float]] = field(default_factory=dict)
    cuped: dict[str, cuped.CupedResult] = field(default_factory=dict)
    sequential: dict[str, pd.DataFrame] = field(default_factory=dict)
    bayes: dict[tuple[str, str], bayes.BayesResult] = field(default_factory=dict)
    segments: pd.DataFrame | None = None
    funnel: pd.DataFrame | None = None
    funnel_daily: pd.DataFrame | None = None
    ratios: pd.DataFrame | None = None
    verdicts: dict[str, verdict.Verdict] = field(default_factory=dict)
    counts: dict[tuple[str, str], tuple[int, int, int, int]] = field(default_factory=dict)
    guardrails: dict[tuple[str, str], guardrails.GuardrailResult] = field(default_factory=dict)
    plans: dict[str, groupseq.SequentialPlan] = field(default_factory=dict)
    uplift: dict[str, uplift.UpliftResult] = field(default_factory=dict)
    caps: dict[str, float] = field(default_factory=dict)
    quantiles: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    ratio_cuped: pd.DataFrame | None = None

    @property
    def data(self) -> pd.DataFrame:
        """The analysed rows (after the trust checks)."""
        return self.clean.data

    @property
    def treatments(self) -> list[str]:
        """The non-control variants."""
        return self.variants[1:]

    @property
    def primary(self) -> str:
        """The decision metric: the first of ``metric_cols``."""
        return self.config.metric_cols[0]

    def stops(self, variant: str) -> tuple[int | None, int | None]:
        """(naive, sequential) first day a daily peeker would stop for ``variant`` (None: never, or no daily view)."""
        table = self.sequential.get(variant)
        if table is None:
            return None, None
        return (sequential.first_stop(table, self.config.alpha, "naive"),
                sequential.first_stop(table, self.config.alpha, "sequential"))

    def overall_verdict(self) -> verdict.Verdict:
        """One verdict: the shipped variant with the largest primary lift, else keep running, else do not ship."""
        vs = self.verdicts
        ships = [v for v in self.treatments if vs[v].decision == verdict.SHIP]
        if ships:
            return vs[max(ships, key=lambda v: self.comparisons[(self.primary, v)].abs_lift)]
        keeps = [v for v in self.treatments if vs[v].decision == verdict.KEEP]
        return vs[keeps[0]] if keeps else vs[self.treatments[0]]


def analyse(df: pd.DataFrame, cfg: ABConfig, source: str = "input") -> ABAnalysis:
    """Run every check and comparison on ``df`` (one row per unit, before cleaning) and return the results."""
    metric_cols = list(cfg.metric_cols)
    guard_cols = list(cfg.guardrail_cols)
    margins = guardrails.margins_for(guard_cols, cfg.guardrail_margins)
    prepared = prepare(df, unit_col=cfg.unit_col, variant_col=cfg.variant_col, control_label=cfg.control_label,
                       metric_cols=list(dict.fromkeys(metric_cols + guard_cols)), pre_metric_col=cfg.pre_metric_col,
                       time_col=cfg.time_col,
                       segment_cols=list(cfg.segment_cols), consistency_col=cfg.consistency_col, source=source)
    cleaned = trust.clean(prepared, unit_col=cfg.unit_col, variant_col=cfg.variant_col,
                          consistency_col=cfg.consistency_col)
    numeric = [m for m in dict.fromkeys(metric_cols + guard_cols) if not units.is_binary(cleaned.data[m])]
    cleaned.data, caps = robust.cap(cleaned.data, numeric, cfg.cap_percentile)  # before CUPED and every test
    data = cleaned.data
    variants = variant_order(prepared, cfg.variant_col, cfg.control_label)
    counts = data[cfg.variant_col].value_counts().reindex(variants, fill_value=0)
    srm = trust.srm_test(counts.to_dict(), cfg.planned_split, threshold=cfg.srm_alpha,
                         warn_threshold=cfg.srm_warn_alpha)
    kw = {"variant_col": cfg.variant_col, "control_label": cfg.control_label, "alpha": cfg.alpha,
          "one_sided": cfg.one_sided}
    results = frequentist.compare_all(data, metric_cols, **kw)
    fields = frequentist.Comparison.__dataclass_fields__
    comps = {(r["metric"], r["variant"]): frequentist.Comparison(**{k: r[k] for k in fields})
             for r in results.to_dict("records")}
    out = ABAnalysis(cfg, cleaned, srm, variants, results, comps, caps=caps)
    control = data[data[cfg.variant_col] == cfg.control_label]
    primary = metric_cols[0]
    for v in out.treatments:
        c = comps[(primary, v)]
        treat = data[data[cfg.variant_col] == v]
        if c.kind == "proportion":
            mde = power.mde_proportion(c.rate_control, c.n_control, c.n_treatment, cfg.alpha, cfg.power, cfg.one_sided)
            needed = (power.n_for_relative_mde(c.rate_control, cfg.target_relative_lift, cfg.alpha, cfg.power,
                                               cfg.one_sided) if 0 < c.rate_control < 1 / (1 + cfg.target_relative_lift)
                      else None)
            events = (int(control[primary].sum()), int(treat[primary].sum()))
        else:
            sd_c, sd_t = float(control[primary].std()), float(treat[primary].std())
            mde = power.mde_mean(sd_c, sd_t, c.n_control, c.n_treatment, cfg.alpha, cfg.power, cfg.one_sided)
            delta = cfg.target_relative_lift * abs(c.rate_control)
            z = power.mde_mean(1, 1, 1, 1, cfg.alpha, cfg.power, cfg.one_sided) / math.sqrt(2)
            needed = math.ceil((z * math.sqrt(sd_c**2 + sd_t**2) / delta) ** 2) if delta > 0 else None
            events = None
        out.power[v] = {"mde_abs": mde, "mde_rel": mde / c.rate_control if c.rate_control else float("nan"),
                        "n_needed_per_group": needed if needed is not None else float("nan")}
        if cfg.pre_metric_col:
            out.cuped[v] = cuped.cuped_compare(data, primary, cfg.pre_metric_col, variant=v, **kw)
        if cfg.time_col:
            out.sequential[v] = sequential.daily_cumulative(data, primary, variant=v, time_col=cfg.time_col, **kw)
            out.plans[v] = groupseq.plan(out.sequential[v], needed, method=cfg.sequential_method,
                                         looks=cfg.planned_looks, alpha=cfg.alpha, power=cfg.power,
                                         seq_stop_day=out.stops(v)[1])
        decision, holm = _decision_comparison(c, out.cuped.get(v), results, primary, v, cfg.alpha)
        guards = [(comps[(m, v)], float(holm[(m, v)])) for m in metric_cols[1:]]
        for g in guard_cols:
            kind = "proportion" if units.is_binary(data[g]) else "mean"
            gc = frequentist.compare(data, g, variant=v, kind=kind, **kw)
            out.guardrails[(g, v)] = guardrails.non_inferiority(gc, margins[g], cfg.alpha)
        ni = [out.guardrails[(g, v)] for g in guard_cols]
        out.verdicts[v] = verdict.decide(decision, float(holm[(primary, v)]), srm, guardrails=guards,
                                         events=events, target_relative_lift=cfg.target_relative_lift,
                                         n_needed=needed, mde_abs=mde, noninferiority=ni)
    for (metric, v), c in comps.items():
        if cfg.prior_sd > 0:
            arm = data[cfg.variant_col].astype(str)
            yt, yc = data.loc[arm == str(v), metric].astype(float), data.loc[arm == cfg.control_label, metric]
            yc = yc.astype(float)
            out.bayes[(metric, v)] = bayes.relative_normal(float(yt.mean()), float(yt.var(ddof=1)) / len(yt),
                                                           float(yc.mean()), float(yc.var(ddof=1)) / len(yc),
                                                           cfg.prior_mean, cfg.prior_sd)
            if c.kind == "proportion":
                out.counts[(metric, v)] = arm_counts(data, metric, cfg.variant_col, cfg.control_label, v)
            continue
        if c.kind == "proportion":
            out.counts[(metric, v)] = arm_counts(data, metric, cfg.variant_col, cfg.control_label, v)
            x_t, n_t, x_c, n_c = out.counts[(metric, v)]
            out.bayes[(metric, v)] = bayes.beta_binomial(x_t, n_t, x_c, n_c, seed=cfg.seed)
        else:
            out.bayes[(metric, v)] = bayes.normal_posterior(c.abs_lift, c.se, c.rate_control)
    if cfg.segment_cols:
        out.segments = segments.segment_effects(data, list(cfg.segment_cols), metric_cols, **kw)
    arm = data[cfg.variant_col].astype(str)
    for m_ in [m for m in metric_cols if m in numeric] if cfg.quantiles else []:
        for v in out.treatments:
            out.quantiles[(m_, v)] = robust.quantile_comparison(
                data.loc[arm == v, m_].to_numpy(float), data.loc[arm == cfg.control_label, m_].to_numpy(float),
                list(cfg.quantiles), alpha=cfg.alpha, seed=cfg.seed)
    features = list(cfg.uplift_features) or list(cfg.segment_cols)  # the segments when no features are given
    for v in out.treatments if features else []:
        counts_v = data[cfg.variant_col].astype(str).value_counts()
        if not cfg.uplift_features and min(counts_v.get(v, 0), counts_v.get(cfg.control_label, 0)) < 200:
            continue  # too small for a model; an error only when uplift_features were asked for
        out.uplift[v] = uplift.t_learner(data, features=features, outcome=primary, variant_col=cfg.variant_col,
                                         control_label=cfg.control_label, variant=v, seed=cfg.seed)
    cols = {role: col for role, col in funnel.FUNNEL_COLS.items() if col in data.columns}
    if {"impressions", "clicks"} <= set(cols):
        out.funnel = funnel.funnel_table(data, cfg.variant_col, cols)
        if cfg.time_col:
            out.funnel_daily = funnel.funnel_table(data, [cfg.variant_col, cfg.time_col], cols)
        out.ratios = funnel.ratio_comparison(data, cols=cols, **kw)
    if cfg.pre_funnel_cols:  # CUPED for ratio metrics (Deng, Knoblich & Lu 2018) where both pre columns exist
        data = ratio_cuped.check_pre_cols(data, cfg.pre_funnel_cols, source)
        out.ratio_cuped = ratio_cuped.ratio_cuped_table(data, pre_cols=cfg.pre_funnel_cols, cols=cols, **kw)
    return out


def arm_counts(data: pd.DataFrame, metric: str, variant_col: str, control_label: str,
               variant: str) -> tuple[int, int, int, int]:
    """Return (successes, units) of ``variant`` then of the control for a 0/1 ``metric``, counted from the rows."""
    arm = data[variant_col].astype(str)
    t, c = data.loc[arm == str(variant), metric], data.loc[arm == str(control_label), metric]
    return int(t.sum()), len(t), int(c.sum()), len(c)


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
