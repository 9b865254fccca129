"""Benchmark 02's segmentation at one size: wall time and peak memory of RFM, every view and the CLV fits.

    .venv/bin/python bench/bench_segments.py --size large [--seed 42]

Uses the shared cached world (``bench/world_cache.py``: generated and cleaned once). Measures, in this process:
reading the processed tables and building the per-customer inputs (``company.load_company_inputs``), then
``job.segment`` (calibration summaries, BG/NBD + Pareto/NBD + Gamma-Gamma fits with Hessian standard errors, the
holdout check, the full-data refit and CLV, RFM, the four views). Peak memory is this process's peak resident set
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

    from experiments.segments import company, indicators, job, tiers

    t1 = time.perf_counter()
    tx, profile, ids = company.load_company_inputs(data_dir / "processed")
    t_load = time.perf_counter() - t1
    t2 = time.perf_counter()
    seg = job.segment(tx, job.Settings(), tiers.TierRules(), source="company world", profile=profile, prospects=ids)
    for view in ("rfm_segment", "value_tier", "behaviour", "lifecycle", "need"):
        indicators.segment_indicators(seg.table, view)
    t_seg = time.perf_counter() - t2
    m = seg.metrics
    out = {
        "size": args.size, "seed": args.seed, "transactions": len(tx), "customers": m["n_customers"],
        "buyers": m["n_buyers"], "wall_seconds": round(t_load + t_seg, 1), "load_seconds": round(t_load, 1),
        "segment_seconds": round(t_seg, 1), "peak_rss_mb": bc.peak_rss_mb(),
        "world_build_or_reuse_seconds": world_seconds,
        "bgnbd": {k: m[f"bgnbd_{k}"] for k in ("r", "alpha", "a", "b")},
        "holdout_total_rel_error": m["holdout_total_rel_error"], **bc.machine(),
    }
    bc.write_result(f"segments_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
