"""Benchmark the main job (generate the company, run every notebook): per notebook wall time, CPU time, peak memory.

Each notebook of the scheduled set (conf/runs.yaml, in its order) runs as its own ``python -m experiments run <nb>
--profile <size> --kind scheduled`` on the generated world, so its figures are its own:
- ``wall_seconds``: wall clock of the command (runner start, kernel, notebook, publish of its report);
- ``cpu_seconds``: user + system CPU of the whole process tree (the runner and its kernel, read from the rusage of
  reaped children: ``resource.getrusage(RUSAGE_CHILDREN)`` before and after), so it does not depend on how busy
  the shared cores were;
- ``peak_rss_mb``: the largest sum of resident memory over the process tree, sampled every 0.2 s with psutil (the
  kernel is a child process, so the runner's own ``ru_maxrss`` would miss it).
The 1-minute load average is recorded before and after each step. Writes bench/results/main_<size>.json
(``bench/report.py`` draws cost against size from all of them).

    .venv/bin/python bench/bench_main.py --size small
    .venv/bin/python bench/bench_main.py --size large --only 01_data_cleaning 02_customer_segmentation
    .venv/bin/python bench/bench_main.py --size large --generate-only   # `data generate --size large` alone
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: world sizes the main job is measured at (xlarge: the generator's 10-million-line world, where it exists)
SIZES = (*bc.SIZES, *(("xlarge",) if "xlarge" not in bc.SIZES else ()))


def scheduled_notebooks() -> list[str]:
    """The notebooks of a scheduled run, in conf/runs.yaml's (dependency) order."""
    runs = yaml.safe_load((ROOT / "conf" / "runs.yaml").read_text(encoding="utf-8"))
    return list(runs["notebooks"])


def tree_rss(proc: psutil.Process) -> int:
    """Resident bytes of ``proc`` and all its descendants (processes that vanish mid-read count as 0)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def order_lines(raw: Path) -> int:
    """Order lines of the generated world (rows of shop_orders.csv and pos_transactions.csv): the x axis of the
    benchmark report."""
    total = 0
    for name in ("shop_orders.csv", "pos_transactions.csv"):
        with open(raw / name, "rb") as f:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1
    return total


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Run ``cmd``; return its wall time and process-tree CPU time in seconds and peak process-tree RSS in MB."""
    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    ps, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            peak = max(peak, tree_rss(ps))
        except psutil.Error:
            pass
        time.sleep(0.2)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return {"wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "peak_rss_mb": round(peak / 2**20),
            "load_average_1min_before": round(load_before, 1), "load_average_1min_after": round(os.getloadavg()[0], 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--size", default="small", choices=SIZES)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--generate-only", action="store_true", help="measure only `data generate` (the CLI)")
    parser.add_argument("--only", nargs="*", default=None, help="notebooks to measure (default: the scheduled set)")
    parser.add_argument("-p", "--param", action="append", default=[], help="KEY=VALUE passed to every run")
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
        lines = order_lines(Path(tmp) / "data" / "raw")
        names = scheduled_notebooks()
        if args.only:
            names = [n for n in names if n in args.only]
        extra = [a for p in args.param for a in ("-p", p)]
        notebooks = {}
        for name in names:
            print(f"== {name} at {args.size}", flush=True)
            notebooks[name] = measure([py, "-m", "experiments", "run", name, "--profile", args.size, "--kind",
                                       "scheduled", *extra], env)
    run_wall = round(sum(n["wall_seconds"] for n in notebooks.values()), 1)
    result = {"size": args.size, "seed": args.seed, "order_lines": lines, "params": args.param, "generate": generate,
              "notebooks": notebooks,
              "run_notebooks": {"wall_seconds": run_wall,
                                "cpu_seconds": round(sum(n["cpu_seconds"] for n in notebooks.values()), 1),
                                "peak_rss_mb": max((n["peak_rss_mb"] for n in notebooks.values()), default=0)},
              "total_wall_seconds": round(generate["wall_seconds"] + run_wall, 1),
              "peak_rss_mb": max([generate["peak_rss_mb"], *(n["peak_rss_mb"] for n in notebooks.values())]),
              **bc.machine()}
    suffix = "" if not args.only and not args.param else "_partial"
    bc.write_result(f"main_{args.size}{suffix}", result)


if __name__ == "__main__":
    main()
