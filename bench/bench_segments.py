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

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="large", choices=["tiny", "small", "medium", "large"])
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from world_cache import cleaned_world

    t0 = time.perf_counter()
    data_dir = cleaned_world(args.size, args.seed)
    world_seconds = time.perf_counter() - t0

    from experiments.segments import company, indicators, job, tiers

    t1 = time.perf_counter()
    tx, profile, ids = company.load_company_inputs(data_dir / "processed")
    t_load = time.perf_counter() - t1
    t2 = time.perf_counter()
    seg = job.segment(tx, job.Settings(), tiers.TierRules(), source="company world", profile=profile, prospects=ids)
    for view in ("rfm_segment", "value_tier", "behaviour", "lifecycle", "need"):
        indicators.segment_indicators(seg.table, view)
    t_seg = time.perf_counter() - t2
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    m = seg.metrics
    out = {
        "size": args.size, "seed": args.seed, "transactions": len(tx), "customers": m["n_customers"],
        "buyers": m["n_buyers"], "wall_seconds": round(t_load + t_seg, 1), "load_seconds": round(t_load, 1),
        "segment_seconds": round(t_seg, 1), "peak_rss_mb": round(peak_mb, 0),
        "world_build_or_reuse_seconds": round(world_seconds, 1),
        "bgnbd": {k: m[f"bgnbd_{k}"] for k in ("r", "alpha", "a", "b")},
        "holdout_total_rel_error": m["holdout_total_rel_error"],
        "cpu_count": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 1),
        "python": platform.python_version(),
    }
    res = ROOT / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / f"segments_{args.size}.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
