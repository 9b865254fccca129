"""Benchmark the main job (generate the company, run every notebook, publish reports): wall time and peak memory.

Peak memory is the largest sum of resident memory over the whole process tree (the runner and its kernels),
sampled every 0.2 s with psutil. Writes bench/results/main_<size>.json.

    .venv/bin/python bench/bench_main.py --size small
    .venv/bin/python bench/bench_main.py --size large --generate-only   # `data generate --size large` alone
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def tree_rss(proc: psutil.Process) -> int:
    """Resident bytes of ``proc`` and all its descendants (processes that vanish mid-read count as 0)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``cmd`` and return its wall time in seconds and peak process-tree RSS in MB."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    ps, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            peak = max(peak, tree_rss(ps))
        except psutil.Error:
            pass
        time.sleep(0.2)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return {"wall_seconds": round(time.perf_counter() - t0, 1), "peak_rss_mb": round(peak / 2**20)}


def main(argv: list[str] | None = None) -> None:
    parser = bc.parser(__doc__, default_size="small")
    parser.add_argument("--generate-only", action="store_true", help="measure only `data generate` (the CLI)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CIL_DATA_DIR": f"{tmp}/data", "CIL_REPORTS_DIR": f"{tmp}/reports",
               "OPENBLAS_NUM_THREADS": "1"}
        py = sys.executable
        generate = measure([py, "-m", "experiments", "data", "generate", "--size", args.size, "--seed",
                            str(args.seed)], env)
        if args.generate_only:
            result = {"size": args.size, "seed": args.seed, "command": "python -m experiments data generate",
                      "generate": generate, **bc.machine()}
            bc.write_result(f"generate_cli_{args.size}", result)
            return
        run = measure([py, "-m", "experiments", "run", "--profile", args.size], env)
    result = {"size": args.size, "seed": args.seed, "generate": generate, "run_notebooks": run,
              "total_wall_seconds": round(generate["wall_seconds"] + run["wall_seconds"], 1),
              "peak_rss_mb": max(generate["peak_rss_mb"], run["peak_rss_mb"]), **bc.machine()}
    bc.write_result(f"main_{args.size}", result)


if __name__ == "__main__":
    main()
