"""Benchmark the main job (generate the company, run every notebook): the scheduled run as one command, and per
notebook wall time, CPU time, peak memory.

Two modes:
- ``--whole`` (the default; the issue's target): the scheduled run as ONE ``python -m experiments run --profile
  <size> --kind scheduled`` on the generated world, its notebooks side by side as the runner schedules them (``jobs``
  of conf/runs.yaml, or ``--jobs N``). Records the command's wall time, CPU time and peak memory of the process tree,
  each notebook's start and duration from the run's run.json, the critical path (the chain of notebooks, each
  waiting for the one before, that ended last), the runner's time outside the notebooks, the jobs used and the load.
  Writes bench/results/main_<size>.json (main_<size>_jobs<N>.json with ``--jobs N``).
- ``--isolated``: each notebook of the scheduled set (conf/runs.yaml, in its order) as its own ``python -m
  experiments run <nb>``, so its figures are its own. Writes bench/results/main_<size>_isolated.json.
Figures, in both modes:
- ``wall_seconds``: wall clock of the command (runner start, kernels, notebooks, publish of the reports);
- ``cpu_seconds``: user + system CPU of the whole process tree (the runner and its kernels, read from the rusage of
  reaped children: ``resource.getrusage(RUSAGE_CHILDREN)`` before and after), so it does not depend on how busy
  the shared cores were;
- ``peak_rss_mb``: the largest sum of resident memory over the process tree, sampled every 0.2 s with psutil (the
  kernels are child processes, so the runner's own ``ru_maxrss`` would miss them).
The 1-minute load average is recorded before and after each step. Generating the world (``data generate``, measured
as ``generate``) is not part of the scheduled run; ``--cached-world`` reuses the benchmarks' cached world
(``world_cache.py``) instead of generating one. ``bench/report.py`` draws cost against size from the results.

    .venv/bin/python bench/bench_main.py --size large                   # the whole scheduled run
    .venv/bin/python bench/bench_main.py --size large --cached-world --jobs 1
    .venv/bin/python bench/bench_main.py --size large --isolated --only 01_data_cleaning 02_customer_segmentation
    .venv/bin/python bench/bench_main.py --size large --generate-only   # `data generate --size large` alone
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
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


def tree_sample(proc: psutil.Process) -> list[tuple[int, int, float, bool]]:
    """(pid, resident bytes, start time, is a Jupyter kernel) of ``proc`` and its descendants (vanished ones left
    out)."""
    out = []
    for p in [proc, *proc.children(recursive=True)]:
        try:
            with p.oneshot():
                out.append((p.pid, p.memory_info().rss, p.create_time(),
                            any("ipykernel" in part for part in p.cmdline())))
        except psutil.Error:
            pass
    return out


def measure(cmd: list[str], env: dict[str, str], check: bool = True) -> dict:
    """Run ``cmd``; return its wall time and process-tree CPU time in seconds and peak process-tree RSS in MB, plus
    ``kernels`` (each Jupyter kernel's start second and own peak RSS) and ``at_peak`` (second of the tree's peak and
    the RSS of each process then). ``check``: stop when the command fails (else its figures are returned, and the
    caller records the failure)."""
    load_before = os.getloadavg()[0]
    t0, c0, epoch = time.perf_counter(), _children_cpu(), time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    ps, peak = psutil.Process(proc.pid), 0
    kernels: dict[int, dict] = {}
    at_peak: dict = {}
    while proc.poll() is None:
        try:
            sample = tree_sample(ps)
        except psutil.Error:
            sample = []
        total = sum(rss for _, rss, _, _ in sample)
        for pid, rss, created, is_kernel in sample:
            if is_kernel:
                k = kernels.setdefault(pid, {"start_seconds": round(created - epoch, 1), "peak_rss_mb": 0})
                k["peak_rss_mb"] = max(k["peak_rss_mb"], round(rss / 2**20))
                k["last_seen_seconds"] = round(time.perf_counter() - t0, 1)
        if total > peak:
            peak = total
            at_peak = {"seconds": round(time.perf_counter() - t0, 1),
                       "rss_mb": {("runner" if pid == proc.pid else str(pid)): round(rss / 2**20)
                                  for pid, rss, _, _ in sample if rss > 100 * 2**20}}
        time.sleep(0.2)
    wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return {"wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "peak_rss_mb": round(peak / 2**20),
            "load_average_1min_before": round(load_before, 1), "load_average_1min_after": round(os.getloadavg()[0], 1),
            "kernels": {str(pid): k for pid, k in kernels.items()}, "at_peak": at_peak}


def kernel_of_notebook(kernels: dict[str, dict], notebooks: dict[str, dict]) -> dict[str, str]:
    """notebook -> the pid of its kernel: the kernel whose start and last sighting are nearest the notebook's start
    and end (run.json's seconds count from the runner's start, a second or two after the measured command's; two
    notebooks starting together end apart)."""
    out, free = {}, dict(kernels)
    timed = [(n, nb) for n, nb in notebooks.items() if nb.get("started_seconds") is not None]
    for name, nb in sorted(timed, key=lambda kv: kv[1]["started_seconds"]):
        if not free:
            break
        end = nb["started_seconds"] + (nb.get("duration_seconds") or 0)
        pid = min(free, key=lambda p: abs(free[p]["start_seconds"] - nb["started_seconds"])
                  + abs(free[p].get("last_seen_seconds", end) - end))
        out[name] = pid
        del free[pid]
    return out


def run_record(reports: Path) -> dict:
    """The run.json of the one run published under ``reports``."""
    folders = [p for p in reports.iterdir() if p.is_dir() and (p / "run.json").is_file()]
    if len(folders) != 1:
        raise SystemExit(f"expected one run under {reports}, found {[p.name for p in folders]}")
    return json.loads((folders[0] / "run.json").read_text(encoding="utf-8"))


def critical_path(record: dict) -> list[str]:
    """The notebooks, last-ending first and going back, each one the notebook that ended last among those it
    waited for (conf/runs.yaml depends_on / runs_after): the chain that set the run's length."""
    runs = yaml.safe_load((ROOT / "conf" / "runs.yaml").read_text(encoding="utf-8"))["notebooks"]
    nbs = {nb["name"]: nb for nb in record["notebooks"] if nb.get("started_seconds") is not None}

    def end(name: str) -> float:
        return nbs[name]["started_seconds"] + (nbs[name]["duration_seconds"] or 0)

    chain, name = [], max(nbs, key=end, default=None)
    while name is not None:
        chain.append(name)
        entry = runs.get(name) or {}
        before = [d for d in (*(entry.get("depends_on") or ()), *(entry.get("runs_after") or ())) if d in nbs]
        name = max(before, key=end, default=None)
    return chain[::-1]


def whole(run_cmd: list[str], env: dict[str, str], reports: Path) -> dict:
    """Measure the scheduled run as one command; add the per-notebook timeline from its run.json."""
    figures = measure(run_cmd, env, check=False)  # a failed notebook still leaves a run.json worth recording
    record = run_record(reports)
    notebooks = {nb["name"]: {"status": nb["status"], "started_seconds": nb.get("started_seconds"),
                              "duration_seconds": nb.get("duration_seconds")} for nb in record["notebooks"]}
    kernels = figures.pop("kernels")
    pids = kernel_of_notebook(kernels, notebooks)
    for name, pid in pids.items():
        notebooks[name]["kernel_peak_rss_mb"] = kernels[pid]["peak_rss_mb"]
    names = {pid: name for name, pid in pids.items()}
    figures["at_peak"]["rss_mb"] = {names.get(pid, pid): mb for pid, mb in figures["at_peak"].get("rss_mb", {}).items()}
    path = critical_path(record)
    busy = sum(nb["duration_seconds"] or 0 for nb in notebooks.values())
    return {**figures, "jobs": record.get("jobs", 1), "run_duration_seconds": record["duration_seconds"],
            "outside_run_seconds": round(figures["wall_seconds"] - record["duration_seconds"], 1),
            "sum_of_notebook_seconds": round(busy, 1),
            "critical_path": path,
            "critical_path_seconds": round(sum(notebooks[n]["duration_seconds"] or 0 for n in path), 1),
            "status": record["status"], "notebooks": notebooks}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--size", default="small", choices=SIZES)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--generate-only", action="store_true", help="measure only `data generate` (the CLI)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--whole", action="store_true", help="the scheduled run as one command (the default)")
    mode.add_argument("--isolated", action="store_true", help="each notebook as its own command")
    parser.add_argument("--jobs", type=int, default=None, help="--whole: notebooks side by side (default: conf)")
    parser.add_argument("--cached-world", action="store_true",
                        help="reuse the cached world of world_cache.py (hard links) instead of generating one")
    parser.add_argument("--raw", type=Path, default=None,
                        help="reuse this generated raw/ folder (hard links; e.g. the xlarge world, which takes 20 min "
                             "to generate) instead of generating one; its size must be --size")
    parser.add_argument("--only", nargs="*", default=None, help="--isolated: notebooks to measure (default: all)")
    parser.add_argument("-p", "--param", action="append", default=[], help="KEY=VALUE passed to every run")
    parser.add_argument("--keep", type=Path, default=None,
                        help="work in this new folder and keep it (data/ and reports/), e.g. to profile one notebook "
                             "on the processed tables afterwards; default: a temporary folder, removed")
    args = parser.parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
    with (contextlib.nullcontext(str(args.keep.resolve())) if args.keep is not None
          else tempfile.TemporaryDirectory()) as tmp:
        env = {**os.environ, "CIL_DATA_DIR": f"{tmp}/data", "CIL_REPORTS_DIR": f"{tmp}/reports",
               "OPENBLAS_NUM_THREADS": "1"}
        py = sys.executable
        if args.raw is not None:
            Path(tmp, "data").mkdir()
            shutil.copytree(args.raw, Path(tmp, "data", "raw"), copy_function=os.link)
            generate = None
        elif args.cached_world:
            cached, _ = bc.cached_world(args.size, args.seed)
            Path(tmp, "data").mkdir()
            shutil.copytree(cached / "raw", Path(tmp, "data", "raw"), copy_function=os.link)
            generate = None
        else:
            generate = measure([py, "-m", "experiments", "data", "generate", "--size", args.size, "--seed",
                                str(args.seed)], env)
        if args.generate_only:
            result = {"size": args.size, "seed": args.seed, "command": "python -m experiments data generate",
                      "generate": generate, **bc.machine()}
            bc.write_result(f"generate_cli_{args.size}", result)
            return
        lines = order_lines(Path(tmp) / "data" / "raw")
        extra = [a for p in args.param for a in ("-p", p)]
        common = {"size": args.size, "seed": args.seed, "order_lines": lines, "params": args.param,
                  "generate": generate, "world": (f"given ({args.raw})" if args.raw is not None
                            else "cached (world_cache.py)" if args.cached_world else "generated")}
        if not args.isolated:
            jobs = [] if args.jobs is None else ["--jobs", str(args.jobs)]
            print(f"== the scheduled run at {args.size}", flush=True)
            run = whole([py, "-m", "experiments", "run", "--profile", args.size, "--kind", "scheduled", *jobs,
                         *extra], env, Path(tmp) / "reports")
            result = {**common, "mode": "whole", "whole": run,
                      "total_wall_seconds": round((generate or {}).get("wall_seconds", 0) + run["wall_seconds"], 1),
                      **bc.machine()}
            suffix = "_partial" if args.param else "" if args.jobs is None else f"_jobs{args.jobs}"
            bc.write_result(f"main_{args.size}{suffix}", result)
            return
        names = scheduled_notebooks()
        if args.only:
            names = [n for n in names if n in args.only]
        notebooks = {}
        for name in names:
            print(f"== {name} at {args.size}", flush=True)
            notebooks[name] = measure([py, "-m", "experiments", "run", name, "--profile", args.size, "--kind",
                                       "scheduled", "--jobs", "1", *extra], env)
    run_wall = round(sum(n["wall_seconds"] for n in notebooks.values()), 1)
    result = {**common, "mode": "isolated", "notebooks": notebooks,
              "run_notebooks": {"wall_seconds": run_wall,
                                "cpu_seconds": round(sum(n["cpu_seconds"] for n in notebooks.values()), 1),
                                "peak_rss_mb": max((n["peak_rss_mb"] for n in notebooks.values()), default=0)},
              "total_wall_seconds": round((generate or {}).get("wall_seconds", 0) + run_wall, 1),
              "peak_rss_mb": max([(generate or {}).get("peak_rss_mb", 0),
                                  *(n["peak_rss_mb"] for n in notebooks.values())]),
              **bc.machine()}
    suffix = "" if not args.only and not args.param else "_partial"
    bc.write_result(f"main_{args.size}_isolated{suffix}", result)


if __name__ == "__main__":
    main()
