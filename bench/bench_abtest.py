"""Benchmark 06's A/B analysis at one size: reading the experiment, the whole analysis, the A/A and power simulations.

    .venv/bin/python bench/bench_abtest.py --size large [--seed 42] [--sims 20000]

Uses the shared cached world (``bench/world_cache.py``: generated and cleaned once). Measures, in this process, with
the notebook's company-world defaults (``exp_cvr_lift``, CUPED on ``pre_conversions``, ratio CUPED on the pre-period
funnel, segments, daily sequential view, uplift model): loading the experiment through the shared loader
(``units.load_table``), ``analysis.analyse`` (trust checks, tests, CUPED, funnel, sequential plan, Bayesian view,
quantile bootstrap, segments, uplift), and the A/A and power simulations at ``--sims`` experiments each (the
notebook's ``aa_sims``). Wall and CPU seconds per stage; peak memory is this process's peak resident set size.
Writes ``bench/results/abtest_<size>.json``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = bc.parser(__doc__)
    ap.add_argument("--sims", type=int, default=20_000, help="simulated experiments for A/A and power (aa_sims)")
    args = ap.parse_args(argv)
    bc.single_thread_blas()
    data_dir, world_seconds = bc.cached_world(args.size, args.seed)
    os.environ["CIL_DATA_DIR"] = str(data_dir)  # the company world's processed tables of that size

    from experiments.abtest import analysis, params, units
    from experiments.lab import config

    name = "06_ad_ab_analysis"  # the notebook's own defaults and conf base: the bench runs what the notebook runs
    spec = config.load_runs()[name]
    notebook_params = config.notebook_defaults(spec.path) | config.effective_parameters(spec, None)
    notebook_params |= {"seed": args.seed, "aa_sims": args.sims}
    t: dict[str, float] = {}
    with bc.timed(t, "load"):
        cfg = params.config_from_parameters(notebook_params)
        table = units.load_table("", params.input_roles(cfg), experiment_id=str(notebook_params["experiment_id"]))
    with bc.timed(t, "analyse"):
        a = analysis.analyse(table.frame, cfg, table.source)
    with bc.timed(t, "aa_simulation"):
        aa = analysis.aa_simulation(a, args.sims)
    with bc.timed(t, "power_simulation"):
        pw = analysis.power_simulation(a, args.sims)
    m = analysis.metrics(a, aa=aa, aa_sims=args.sims)
    out = {
        "size": args.size, "seed": args.seed, "experiment": notebook_params["experiment_id"], "units": int(table.rows),
        "units_analysed": m.get("n_analysed"), "sims": args.sims, **t,
        "total_seconds": round(sum(v for k, v in t.items() if not k.endswith("_cpu_seconds")), 2),
        "peak_rss_mb": bc.peak_rss_mb(), "world_build_or_reuse_seconds": world_seconds,
        "verdict": m.get("verdict"), "conversions_rel_lift": m.get("conversions_rel_lift"),
        "aa_fpr_fixed": m.get("aa_fpr_fixed"), "aa_fpr_pocock": m.get("aa_fpr_pocock"),
        "power_sim": dict(pw.power) if pw is not None else None, **bc.machine(),
    }
    bc.write_result(f"abtest_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
