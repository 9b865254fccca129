"""Benchmark 09's next-best-action analysis at one size: wall time and peak memory.

    .venv/bin/python bench/bench_nba.py --size large [--seed 42]

Uses the shared cached world (``bench/world_cache.py``: generated and cleaned once). The settings are the notebook's
own (``lab.config.notebook_parameters("09_next_best_action", <size>, {"seed": <seed>})``). Measures reading the
processed tables and the campaign (``nba.load``: features as of the send date and as of now), then the whole
``nba.run`` (randomization checks, the cross-fitted bagged X-learner, Qini and IPW bootstraps, the decision list).
LightGBM runs with one thread. Peak memory is this process's peak resident set size. Writes
``bench/results/nba_<size>.json``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    args = bc.parser(__doc__).parse_args(argv)
    bc.single_thread_blas()
    data_dir, world_seconds = bc.cached_world(args.size, args.seed)

    import os

    os.environ["CIL_DATA_DIR"] = str(data_dir)  # nba.load reads the cached world's processed tables and raw campaign
    from experiments import nba
    from experiments.lab.config import notebook_parameters

    cfg = nba.Config.from_parameters(notebook_parameters("09_next_best_action", args.size, {"seed": args.seed}))
    c0 = time.process_time()
    t1 = time.perf_counter()
    data = nba.load(cfg)
    t_load = time.perf_counter() - t1
    t2 = time.perf_counter()
    result = nba.run(cfg, data)
    t_run = time.perf_counter() - t2
    m = result.metrics()
    out = {"size": args.size, "seed": args.seed, "campaign_customers": m["n_campaign_customers"],
           "current_customers": int(len(result.decisions)), "load_seconds": round(t_load, 1),
           "analysis_seconds": round(t_run, 1), "cpu_seconds": round(time.process_time() - c0, 1),
           "peak_rss_mb": bc.peak_rss_mb(), "world_build_or_reuse_seconds": world_seconds,
           "n_folds": cfg.n_folds, "n_bags": cfg.n_bags, "uncertainty_z": cfg.uncertainty_z,
           "n_bootstrap": cfg.n_bootstrap, "policy_value_ipw": m["policy_value_ipw"],
           "best_single_action": m["best_single_action"], "expected_gain_total": m["expected_gain_total"],
           "lgbm_n_jobs": 1, **bc.machine()}
    bc.write_result(f"nba_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
