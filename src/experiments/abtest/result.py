"""``Result``: what one A/B analysis found (``tables``, ``metrics()``: the metrics.json contract conf/runs.yaml
documents) and what it publishes (``publish()``: nothing; 06 writes no table other notebooks read)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.abtest import (
    bayes,
    cuped,
    frequentist,
    groupseq,
    guardrails,
    power,
    robust,
    sequential,
    simulate,
    trust,
    uplift,
    verdict,
)
from experiments.abtest.config import Config
from experiments.abtest.labels import slug
from experiments.abtest.sources import Data
from experiments.data.inputs import InputTable
from experiments.lab.report.scrub import safe_key


@dataclass
class Result:
    """Everything the report shows. ``results`` holds one row per metric x treatment variant; ``aa`` and
    ``power_sim`` are the simulations shaped like the experiment (None when ``aa_sims`` is 0)."""

    config: Config
    loaded: Data
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
    #: per treatment, the comparison the verdict rests on (CUPED-adjusted with a pre-period metric, else raw) and
    #: its Holm-adjusted p-value: the figures the verdict quotes (``verdict_*`` keys)
    decisions: dict[str, tuple[frequentist.Comparison, float]] = field(default_factory=dict)
    counts: dict[tuple[str, str], tuple[int, int, int, int]] = field(default_factory=dict)
    guardrails: dict[tuple[str, str], guardrails.GuardrailResult] = field(default_factory=dict)
    plans: dict[str, groupseq.SequentialPlan] = field(default_factory=dict)
    uplift: dict[str, uplift.UpliftResult] = field(default_factory=dict)
    caps: dict[str, float] = field(default_factory=dict)
    quantiles: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    #: units in the seeded sample the quantiles and the uplift model read (``unit_sample_rows``); 0: every unit
    n_unit_sample: int = 0
    ratio_cuped: pd.DataFrame | None = None
    aa: simulate.AASimulation | None = None
    power_sim: simulate.PowerSimulation | None = None

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

    def overall_variant(self) -> str:
        """The treatment the overall verdict is about: the shipped one with the largest primary lift, else the first
        kept running, else the first treatment."""
        vs = self.verdicts
        ships = [v for v in self.treatments if vs[v].decision == verdict.SHIP]
        if ships:
            return max(ships, key=lambda v: self.comparisons[(self.primary, v)].abs_lift)
        keeps = [v for v in self.treatments if vs[v].decision == verdict.KEEP]
        return keeps[0] if keeps else self.treatments[0]

    def overall_verdict(self) -> verdict.Verdict:
        """One verdict: the shipped variant with the largest primary lift, else keep running, else do not ship."""
        return self.verdicts[self.overall_variant()]

    @property
    def input(self) -> InputTable | None:
        """The input table read (for ``run.add_input``); None for a frame passed in memory (``sources.from_frame``)."""
        return self.loaded.table

    @property
    def source(self) -> str:
        """Short name of the data source (file name or ``company world: ad_events[...]``)."""
        return self.loaded.source

    @property
    def company_world(self) -> bool:
        """True when the analysis ran on the company world (``evaluation`` can compare it with the planted truth)."""
        return self.loaded.company_world

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The named tables the report shows (present makes the rounded display copies)."""
        out = {"results": self.results, "trust": self.clean.summary()}
        optional = {"funnel": self.funnel, "funnel_daily": self.funnel_daily, "ratios": self.ratios,
                    "ratio_cuped": self.ratio_cuped, "segments": self.segments}
        out |= {k: v for k, v in optional.items() if v is not None}
        out |= {f"sequential_{v}": t for v, t in self.sequential.items()}
        out |= {f"uplift_curve_{v}": u.curve for v, u in self.uplift.items()}
        return out

    @property
    def simulations_illustrative(self) -> bool:
        """True when the deciding metric is not a proportion: the simulations then use a 5% rate that illustrates the
        rules rather than reproducing the metric (``simulate.matching_design``)."""
        return self.comparisons[(self.primary, self.treatments[0])].kind != "proportion"

    def simulated_design(self) -> dict[str, int | float]:
        """The simulated design (``days``, ``units_per_day``, ``rate``) mirroring the first treatment's comparison of
        the deciding metric: the same days, units per arm per day and control rate (``simulate.matching_design``)."""
        c0 = self.comparisons[(self.primary, self.treatments[0])]
        days = len(next(iter(self.sequential.values()))) if self.sequential else None
        return simulate.matching_design(c0.n_control, c0.n_treatment, days,
                                        None if self.simulations_illustrative else c0.rate_control)

    def publish(self) -> Path | None:
        """06 publishes no table (its findings are metrics.json and the report): None."""
        return None

    def metrics(self) -> dict[str, Any]:
        """Flatten the analysis into metrics.json keys (every key documented in conf/runs.yaml).

        Two variants: ``<m>_control_rate``, ``<m>_treatment_rate``, ``<m>_abs_lift``, ``<m>_ci_low``,
        ``<m>_ci_high``, ``<m>_p_value``, ``<m>_z`` (the t statistic for a numeric metric), ``<m>_rel_lift``,
        ``<m>_rel_ci_low``, ``<m>_rel_ci_high``, ``<m>_p_value_holm``, ``<m>_p_value_bh``. More variants: the same
        with ``<m>_<variant>_`` (variant slug) as prefix, and per-variant power/CUPED/Bayes/verdict keys prefixed
        ``<variant>_``. The A/A keys (``simulate.aa_metrics``; null rates when ``aa_sims`` is 0), the
        power-simulation keys (``simulate.power_metrics``) and ``power_prop_test_n_3v2`` (a reference) close it.
        Every key goes through ``lab.report.scrub.safe_key`` (personal data masked, characters outside
        ``[A-Za-z0-9_.@-]`` as ``_``, at most 80 characters with a hash), the runner's own rule, so the notebook,
        tests and metrics.json see the same keys for labels and column names from data.
        """
        a, cfg = self, self.config
        m: dict[str, Any] = {}
        two = len(a.treatments) == 1
        m["control_label"] = cfg.control_label
        m["treatment_label"] = a.treatments[0] if two else ",".join(a.treatments)
        m["n_variants"] = len(a.variants)
        m["n_rows_in"] = a.clean.n_rows_in
        m["n_analysed"] = len(a.data)
        counts = a.data[cfg.variant_col].value_counts()
        m["n_control"] = int(counts.get(cfg.control_label, 0))
        m["n_treatment"] = int(sum(int(counts.get(v, 0)) for v in a.treatments))
        if not two:
            for v in a.treatments:
                m[f"n_{slug(v)}"] = int(counts.get(v, 0))
        m["n_removed_inconsistent"] = a.clean.n_removed_inconsistent
        m["n_removed_duplicates"] = a.clean.n_removed_total_duplicates
        m["n_units_multi_variant"] = a.clean.n_units_multi_variant
        m["n_removed_mismatched_pairing"] = a.clean.n_removed_mismatched
        m["srm_p_value"] = a.srm.p_value if a.srm.tested else None
        m["srm_chi2"] = a.srm.chi2 if a.srm.tested else None
        m["srm_tested"] = a.srm.tested
        m["srm_flagged"] = a.srm.flagged
        m["srm_warning"] = a.srm.warning
        m["cap_percentile"] = cfg.cap_percentile
        m |= {f"{metric}_cap_value": value for metric, value in a.caps.items()}
        for r in a.results.to_dict("records"):
            pre = f"{r['metric']}_" if two else f"{r['metric']}_{slug(r['variant'])}_"
            m |= {f"{pre}control_rate": r["rate_control"], f"{pre}treatment_rate": r["rate_treatment"],
                  f"{pre}abs_lift": r["abs_lift"], f"{pre}ci_low": r["ci_low"], f"{pre}ci_high": r["ci_high"],
                  f"{pre}p_value": r["p_value"], f"{pre}z": r["stat"], f"{pre}rel_lift": r["rel_lift"],
                  f"{pre}rel_ci_low": r["rel_ci_low"], f"{pre}rel_ci_high": r["rel_ci_high"],
                  f"{pre}p_value_holm": r["p_holm"], f"{pre}p_value_bh": r["p_bh"], f"{pre}test": r["kind"],
                  f"{pre}ci_method": frequentist.CI_METHODS[r["kind"]]}
        for v in a.treatments:
            pre = "" if two else f"{slug(v)}_"
            pw = a.power[v]
            m |= {f"{pre}mde_abs": pw["mde_abs"], f"{pre}mde_rel": pw["mde_rel"],
                  f"{pre}n_needed_per_group": pw["n_needed_per_group"]}
            b = a.bayes[(a.primary, v)]
            m |= {f"{pre}prob_beat_control": b.prob_beat, f"{pre}expected_loss": b.expected_loss_treatment,
                  f"{pre}expected_loss_rel": b.expected_loss_rel, f"{pre}bayes_prior": b.prior}
            for metric in cfg.metric_cols:
                mp = f"{metric}_" if two else f"{metric}_{slug(v)}_"
                m[f"{mp}prob_beat_control"] = a.bayes[(metric, v)].prob_beat
            if v in a.cuped:
                cu = a.cuped[v]
                m |= {f"{pre}cuped_abs_lift": cu.adjusted.abs_lift, f"{pre}cuped_ci_low": cu.adjusted.ci_low,
                      f"{pre}cuped_ci_high": cu.adjusted.ci_high, f"{pre}cuped_p_value": cu.adjusted.p_value,
                      f"{pre}cuped_ci_width_ratio": cu.ci_width_ratio,
                      f"{pre}cuped_variance_reduction": cu.variance_reduction}
            if v in a.sequential:
                t = a.sequential[v]
                last = t.iloc[-1]
                m |= {f"{pre}seq_days": len(t), f"{pre}seq_cs_low": last["cs_low"],
                      f"{pre}seq_cs_high": last["cs_high"],
                      f"{pre}seq_always_valid_p": last["always_valid_p"],
                      f"{pre}seq_naive_stop_day": a.stops(v)[0], f"{pre}seq_stop_day": a.stops(v)[1]}
                sp = a.plans[v]
                m |= {f"{pre}seq_method": sp.method, f"{pre}seq_planned_looks": sp.looks,
                      f"{pre}seq_gs_stop_look": sp.stop_look, f"{pre}seq_days_remaining": sp.days_remaining}
                m |= {f"{pre}seq_n_needed_{k}": n for k, n in sp.n_needed.items()}
            for (metric, qv), table in a.quantiles.items():
                if qv != v:
                    continue
                mp = f"{metric}_" if two else f"{metric}_{slug(v)}_"
                for r in table.to_dict("records"):
                    qk = robust.quantile_key(r["quantile"])
                    m |= {f"{mp}{qk}_diff": r["diff"], f"{mp}{qk}_ci_low": r["ci_low"],
                          f"{mp}{qk}_ci_high": r["ci_high"]}
            if v in a.uplift:
                up = a.uplift[v]
                m |= {f"{pre}uplift_auuc": up.auuc, f"{pre}uplift_qini": up.qini,
                      f"{pre}uplift_qini_ci_low": up.qini_low, f"{pre}uplift_qini_ci_high": up.qini_high,
                      f"{pre}uplift_top_group": up.top_group,
                      f"{pre}uplift_top_group_share": up.top_share, f"{pre}uplift_top_group_base_share": up.base_share}
            for g in cfg.guardrail_cols:
                gr = a.guardrails[(g, v)]
                gp = f"guardrail_{g}_" if two else f"guardrail_{g}_{slug(v)}_"
                m |= {f"{gp}ni_p_value": gr.ni_p_value, f"{gp}passed": gr.passed, f"{gp}margin": gr.margin,
                      f"{gp}rel_lift": gr.comparison.rel_lift}
            if not two:
                m[f"verdict_{slug(v)}"] = a.verdicts[v].decision
        if a.ratios is not None and not a.ratios.empty:
            for r in a.ratios.to_dict("records"):
                if r["variant"] == cfg.control_label:
                    m[f"ratio_{r['ratio']}_control"] = r["value"]
                    continue
                pre = f"ratio_{r['ratio']}_" if two else f"ratio_{r['ratio']}_{slug(r['variant'])}_"
                m |= {f"{pre}treatment": r["value"], f"{pre}abs_lift": r["abs_lift"], f"{pre}ci_low": r["ci_low"],
                      f"{pre}ci_high": r["ci_high"], f"{pre}rel_lift": r["rel_lift"], f"{pre}p_value": r["p_value"],
                      f"{pre}se_delta": r["se"]}
        if a.ratio_cuped is not None and not a.ratio_cuped.empty:
            for r in a.ratio_cuped.to_dict("records"):
                pre = f"ratio_{r['ratio']}_cuped_" if two else f"ratio_{r['ratio']}_{slug(r['variant'])}_cuped_"
                m |= {f"{pre}abs_lift": r["abs_lift"], f"{pre}ci_low": r["ci_low"], f"{pre}ci_high": r["ci_high"],
                      f"{pre}rel_lift": r["rel_lift"], f"{pre}p_value": r["p_value"], f"{pre}se": r["se"],
                      f"{pre}theta": r["theta"], f"{pre}variance_reduction": r["variance_reduction"]}
        if a.segments is not None and not a.segments.empty and "p_holm" in a.segments:
            tested = a.segments[a.segments["tested"].astype(bool)]
            m["n_segment_tests"] = len(tested)
            m["n_segment_significant_raw"] = int((tested["p_value"] < cfg.alpha).sum())
            m["n_segment_significant_holm"] = int((tested["p_holm"] < cfg.alpha).sum())
            m["n_segment_significant_bh"] = int((tested["p_bh"] < cfg.alpha).sum())
        overall = a.overall_verdict()
        m["verdict"] = overall.decision
        m["verdict_basis"] = "cuped" if a.cuped else "raw"  # the primary estimate the verdict rests on
        m["verdict_headline"] = overall.headline
        m["verdict_reasons"] = [str(r) for r in overall.reasons]  # a list of strings (lab.metrics accepts lists)
        decided, p_adjusted = a.decisions[a.overall_variant()]  # the figures the verdict quotes
        m |= {"verdict_p_value": p_adjusted, "verdict_rel_lift": decided.rel_lift,
              "verdict_rel_lift_ci_low": decided.rel_ci_low, "verdict_rel_lift_ci_high": decided.rel_ci_high}
        m |= simulate.aa_metrics(a.aa, cfg.aa_sims)
        m |= simulate.power_metrics(a.power_sim)
        m["power_prop_test_n_3v2"] = math.ceil(power.power_prop_test_n(0.03, 0.02, alpha=0.05, power=0.8))
        return {safe_key(k): v for k, v in m.items()}  # the keys metrics.json gets (labels from data made safe)
