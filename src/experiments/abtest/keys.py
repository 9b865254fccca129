"""Notebook 06's metrics.json keys: ``metrics(analysis)`` flattens an ``ABAnalysis`` into the contract that
conf/runs.yaml documents (re-exported as ``analysis.metrics``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from experiments.abtest import frequentist, power, robust, simulate
from experiments.abtest.units import slug

if TYPE_CHECKING:
    from experiments.abtest.analysis import ABAnalysis


def metrics(a: ABAnalysis, aa: simulate.AASimulation | None = None, aa_sims: int | None = None,
            power_sim: simulate.PowerSimulation | None = None) -> dict[str, Any]:
    """Flatten the analysis into metrics.json keys (see the notebook header for the list).

    With ``aa_sims`` given (the notebook's parameter) the A/A keys are added from ``aa`` (``simulate.aa_metrics``;
    null rates when the simulation was skipped), the power-simulation keys from ``power_sim``
    (``simulate.power_metrics``; null when skipped), then ``power_prop_test_n_3v2``, the reference sample size.

    Two variants: ``<m>_control_rate``, ``<m>_treatment_rate``, ``<m>_abs_lift``, ``<m>_ci_low``, ``<m>_ci_high``,
    ``<m>_p_value``, ``<m>_z`` (the t statistic for a numeric metric), ``<m>_rel_lift``, ``<m>_rel_ci_low``,
    ``<m>_rel_ci_high``, ``<m>_p_value_holm``, ``<m>_p_value_bh``. More variants: the same with
    ``<m>_<variant>_`` (variant slug) as prefix, and per-variant power/CUPED/Bayes/verdict keys prefixed
    ``<variant>_``.
    """
    cfg = a.config
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
            m |= {f"{pre}seq_days": len(t), f"{pre}seq_cs_low": last["cs_low"], f"{pre}seq_cs_high": last["cs_high"],
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
                m |= {f"{mp}{qk}_diff": r["diff"], f"{mp}{qk}_ci_low": r["ci_low"], f"{mp}{qk}_ci_high": r["ci_high"]}
        if v in a.uplift:
            up = a.uplift[v]
            m |= {f"{pre}uplift_auuc": up.auuc, f"{pre}uplift_qini": up.qini, f"{pre}uplift_top_group": up.top_group,
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
    if aa_sims is not None:
        m |= simulate.aa_metrics(aa, aa_sims)
        m |= simulate.power_metrics(power_sim)
        m["power_prop_test_n_3v2"] = math.ceil(power.power_prop_test_n(0.03, 0.02, alpha=0.05, power=0.8))
    return m
