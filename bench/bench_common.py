"""What every benchmark script shares: its command line, peak memory, the machine's figures and the results file.

    import bench_common as bc
    args = bc.parser(__doc__).parse_args(argv)          # --size (tiny..large) and --seed
    with bc.timed(times, "fit"):                        # times["fit_seconds"], times["fit_cpu_seconds"]
        model.fit(...)
    bc.write_result(f"churn_{args.size}", {..., "peak_rss_mb": bc.peak_rss_mb(), **bc.machine()})

Results go to ``bench/results/<name>.json`` (or ``$CIL_BENCH_RESULTS``, which the bench smoke test uses so a tiny run
never overwrites the committed figures). The 2 cores are often shared, so ``machine()`` records the load average
beside every wall time; CPU seconds (``timed``) do not depend on it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import time
from collections.abc import Iterator
from pathlib import Path

SIZES = ("tiny", "small", "medium", "large", "xlarge")
RESULTS = Path(__file__).resolve().parent / "results"


def parser(doc: str | None, *, default_size: str = "large") -> argparse.ArgumentParser:
    """Return an argument parser described by the first line of ``doc``, with ``--size`` and ``--seed``."""
    ap = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0] if doc else None)
    ap.add_argument("--size", default=default_size, choices=SIZES)
    ap.add_argument("--seed", type=int, default=42)
    return ap


def single_thread_blas() -> None:
    """Pin OpenBLAS to one thread unless the caller chose otherwise (2.7x faster for implicit on 2 cores)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)


def machine() -> dict[str, object]:
    """CPU count, Python version and the 1-minute load average (how busy the shared cores were)."""
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "load_average_1min": round(os.getloadavg()[0], 1)}


@contextlib.contextmanager
def timed(times: dict[str, float], key: str) -> Iterator[None]:
    """Record the block's wall time as ``times[key + "_seconds"]`` and this process's CPU time as
    ``times[key + "_cpu_seconds"]``, both rounded to 0.01 s."""
    w0, c0 = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        times[f"{key}_seconds"] = round(time.perf_counter() - w0, 2)
        times[f"{key}_cpu_seconds"] = round(time.process_time() - c0, 2)


def cached_world(size: str, seed: int) -> tuple[Path, float]:
    """Return the cleaned company world's data folder (``world_cache.cleaned_world``: built once per size and seed,
    then shared) and the seconds it took to build or reuse it."""
    from world_cache import cleaned_world

    t0 = time.perf_counter()
    folder = cleaned_world(size, seed)
    return folder, round(time.perf_counter() - t0, 1)


def results_dir() -> Path:
    """Where results are written: ``$CIL_BENCH_RESULTS`` or ``bench/results``."""
    env = os.environ.get("CIL_BENCH_RESULTS")
    return Path(env) if env else RESULTS


def write_result(name: str, out: dict) -> Path:
    """Write ``out`` to ``<results_dir>/<name>.json`` (atomically), print it, and return the path."""
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return path
