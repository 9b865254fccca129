"""Benchmark 02's segmentation at one size: wall time and peak memory of RFM, every view and the CLV fits.

    .venv/bin/python bench/bench_segments.py --size large [--seed 42]

Uses the shared cached world (``bench/world_cache.py``: generated and cleaned once). Measures, in this process:
reading the processed tables and building the per-customer inputs (``segments.sources.load_company_inputs``), then
``segments.run`` (calibration summaries, BG/NBD + Pareto/NBD + Gamma-Gamma fits with Hessian standard errors, the
holdout check, the full-data refit and CLV, RFM, the four views) with the notebook's own parameters
(``lab.config.notebook_parameters``, no profile, publishing off). Peak memory is this process's peak resident set
size; ``load_average_1min`` records how busy the machine was (the 2 cores are shared). Writes
``bench/results/segments_<size>.json``.
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

    from experiments import segments
    from experiments.data import inputs
    from experiments.lab.config import notebook_parameters
    from experiments.segments import sources

    cfg = segments.Config.from_parameters(notebook_parameters("02_customer_segmentation", None, {"publish": False}))
    t1 = time.perf_counter()
    tx, profile, ids = sources.load_company_inputs(data_dir / "processed")
    table = inputs.load_input("", {"customer": cfg.customer_col, "date": cfg.time_col, "amount": cfg.amount_col},
                              company=lambda: tx)
    data = sources.Data(tx=tx, profile=profile, prospects=ids, table=table)
    t_load = time.perf_counter() - t1
    t2 = time.perf_counter()
    result = segments.run(cfg, data)
    views = result.views  # the indicators of every view, as the report shows them
    t_seg = time.perf_counter() - t2
    m = result.metrics()
    out = {
        "size": args.size, "seed": args.seed, "transactions": len(tx), "customers": m["n_customers"],
        "buyers": m["n_buyers"], "views": len(views), "wall_seconds": round(t_load + t_seg, 1),
        "load_seconds": round(t_load, 1),
        "segment_seconds": round(t_seg, 1), "peak_rss_mb": bc.peak_rss_mb(),
        "world_build_or_reuse_seconds": world_seconds,
        "bgnbd": {k: m[f"bgnbd_{k}"] for k in ("r", "alpha", "a", "b")},
        "holdout_total_rel_error": m["holdout_total_rel_error"], "pareto_fit_customers": m.get("pareto_fit_customers"),
        **bc.machine(),
    }
    bc.write_result(f"segments_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
