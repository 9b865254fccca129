"""Benchmark 06's A/B analysis at one size: reading the experiment, the whole analysis, the A/A and power simulations.

    .venv/bin/python bench/bench_abtest.py --size large [--seed 42] [--sims 20000] [--engine duckdb|spark]

Uses the shared cached world (``bench/world_cache.py``: generated and cleaned once). Measures, in this process, with
the notebook's company-world defaults (``exp_cvr_lift``, CUPED on ``pre_conversions``, ratio CUPED on the pre-period
funnel, segments, daily sequential view, uplift model): loading the experiment through the shared loader
(``abtest.load``), ``abtest.run`` without simulations (trust checks, tests, CUPED, funnel, sequential plan, Bayesian
view, quantile bootstrap, segments, uplift with its Qini bootstrap), and the A/A and power simulations at ``--sims``
experiments each (the notebook's ``aa_sims``). The data step alone (``engine_steps.arm_moments``: the per-variant
sums every test reads, on ``--engine``, default the notebook's) is timed again on its own as ``moments_step`` (inside
``analyse`` too, so not added to the total). Wall and CPU seconds per stage; peak memory is this process's peak
resident set size (a Spark engine's JVM is not in it). Writes ``bench/results/abtest_<size>.json``
(``abtest_<size>_spark.json`` on Spark).
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
    ap.add_argument("--engine", default="", help="engine of the data step (duckdb or spark); empty: the notebook's")
    args = ap.parse_args(argv)
    bc.single_thread_blas()
    data_dir, world_seconds = bc.cached_world(args.size, args.seed)
    os.environ["CIL_DATA_DIR"] = str(data_dir)  # the company world's processed tables of that size

    from dataclasses import replace

    from experiments import abtest
    from experiments.abtest import analysis, engine_steps
    from experiments.lab.config import notebook_parameters

    # the notebook's own defaults and conf base: the bench runs what the notebook runs
    overrides = {"seed": args.seed, "aa_sims": args.sims} | ({"engine": args.engine} if args.engine else {})
    cfg = abtest.Config.from_parameters(notebook_parameters("06_ad_ab_analysis", None, overrides))
    t: dict[str, float] = {}
    with bc.timed(t, "load"):
        data = abtest.load(cfg)
    with bc.timed(t, "analyse"):
        a = abtest.run(replace(cfg, aa_sims=0), data)  # the simulations are timed on their own below
    a.config = cfg
    with bc.timed(t, "aa_simulation"):
        a.aa = analysis.aa_simulation(a)
    with bc.timed(t, "power_simulation"):
        a.power_sim = pw = analysis.power_simulation(a)
    total = round(sum(v for k, v in t.items() if not k.endswith("_cpu_seconds")), 2)
    with bc.timed(t, "moments_step"):
        engine_steps.arm_moments(cfg.data_engine(), a.data, cfg.variant_col,
                                 analysis.moment_columns(cfg, list(a.data.columns)))
    m = a.metrics()
    out = {
        "size": args.size, "seed": args.seed, "experiment": cfg.experiment_id, "units": int(data.table.rows),
        "units_analysed": m.get("n_analysed"), "sims": args.sims, **t,
        "total_seconds": total, "engine": cfg.engine,
        "peak_rss_mb": bc.peak_rss_mb(), "world_build_or_reuse_seconds": world_seconds,
        "verdict": m.get("verdict"), "conversions_rel_lift": m.get("conversions_rel_lift"),
        "aa_fpr_fixed": m.get("aa_fpr_fixed"), "aa_fpr_pocock": m.get("aa_fpr_pocock"),
        "power_sim": dict(pw.power) if pw is not None else None, **bc.machine(),
    }
    bc.write_result(f"abtest_{args.size}" + ("_spark" if cfg.engine == "spark" else ""), out)
    return out


if __name__ == "__main__":
    main()
