"""Benchmark the company-world cleaning: wall time and peak memory for one size.

    .venv/bin/python bench/bench_cleaning.py --size large [--seed 42] [--er-method splink]

Generates the world (or reuses ``data/interim/worlds/<size>-<seed>``) in a child process, so the figures measure only
the cleaning: ``clean_company`` + ``write_outputs`` in this process. Peak memory is this process's peak resident set
size (``resource.getrusage``). Writes ``bench/results/cleaning_<size>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="large", choices=["tiny", "small", "medium", "large"])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--er-method", default="splink", choices=["splink", "deterministic"])
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    from experiments.data import paths

    worlds = paths.interim_dir() / "worlds"
    t0 = time.perf_counter()
    raw = subprocess.run([sys.executable, "-c", "import sys; from experiments.synthetic import generate_cached; "
                          f"print(generate_cached({args.size!r}, {args.seed}, sys.argv[1]))", str(worlds)],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    gen_seconds = time.perf_counter() - t0

    from experiments.cleaning.pipeline import clean_company, write_outputs

    t1 = time.perf_counter()
    result = clean_company(raw, er_method=args.er_method, truth_dir=Path(raw) / "_truth")
    t_clean = time.perf_counter() - t1
    with tempfile.TemporaryDirectory() as tmp:
        write_outputs(result.tables, tmp, result.lineage, result.quarantine)
    wall = time.perf_counter() - t1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    m = result.metrics
    out = {
        "size": args.size, "seed": args.seed, "er_method": args.er_method,
        "order_lines_in": m["rows_in_shop_orders"] + m["rows_in_pos_transactions"],
        "customer_records": m["n_customer_records"], "rows_in": m["rows_in"],
        "wall_seconds": round(wall, 1), "clean_seconds": round(t_clean, 1), "write_seconds": round(wall - t_clean, 1),
        "peak_rss_mb": round(peak_mb, 0), "generate_or_reuse_seconds": round(gen_seconds, 1),
        "er_precision": m.get("er_precision"), "er_recall": m.get("er_recall"), "er_f1": m.get("er_f1"),
        "cpu_count": os.cpu_count(), "python": platform.python_version(),
        "targets": {"wall_seconds": 120, "peak_rss_mb": 4096},
    }
    res = ROOT / "bench" / "results"
    res.mkdir(parents=True, exist_ok=True)
    (res / f"cleaning_{args.size}.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
