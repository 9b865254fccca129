"""Benchmark the company-world cleaning: wall time and peak memory for one size.

    .venv/bin/python bench/bench_cleaning.py --size large [--seed 42] [--er-method splink]

Generates the world (or reuses ``data/interim/worlds/<size>-<seed>``) in a child process, so the figures measure only
the cleaning: ``cleaning.run`` (notebook 01's parameters for the size) + ``write_outputs`` in this process, wall and
CPU seconds (CPU does not depend on how busy the shared cores are). Peak memory is this process's peak resident set
size. ``engine_steps``: 01's engine step (exact duplicates over every column, ``cleaning.engine_steps``) on each
order source of the world, wall and CPU seconds on the notebook's engine beside pandas' ``duplicated`` (the step it
replaced; left out when the code under test has no engine steps). Writes ``bench/results/cleaning_<size>.json``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402


def engine_steps(cfg, data) -> dict:  # noqa: ANN001 - a cleaning Config and Data
    """Exact duplicates per order source: the engine step against pandas' ``duplicated`` (wall and CPU seconds)."""
    try:
        from experiments.cleaning.engine_steps import duplicate_rows
        from experiments.cleaning.sources import company_sources
    except ImportError:  # code from before the engine steps
        return {}
    out = {}
    for name in company_sources("orders"):
        frame, times = data.frames[name], {}
        with bc.timed(times, "pandas"):
            expected = frame.duplicated(keep="first")
        with bc.timed(times, "engine"):
            got = duplicate_rows(cfg.data_engine(), frame)
        assert (got.to_numpy() == expected.to_numpy()).all(), name
        out[name] = {"rows": len(frame), "duplicates": int(expected.sum()), "engine": cfg.engine, **times}
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = bc.parser(__doc__)
    ap.add_argument("--er-method", default="splink", choices=["splink", "deterministic"])
    args = ap.parse_args(argv)
    bc.single_thread_blas()

    from experiments.data import paths

    worlds = paths.interim_dir() / "worlds"
    t0 = time.perf_counter()
    raw = subprocess.run([sys.executable, "-c", "import sys; from experiments.synthetic import generate_cached; "
                          f"print(generate_cached({args.size!r}, {args.seed}, sys.argv[1]))", str(worlds)],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    gen_seconds = time.perf_counter() - t0

    from experiments import cleaning
    from experiments.cleaning import evaluation, sources
    from experiments.cleaning.result import write_outputs
    from experiments.lab.config import notebook_parameters

    # notebook 01's own parameters for the world size (its as_of), with the method under test
    cfg = cleaning.Config.from_parameters(notebook_parameters("01_data_cleaning", args.size,
                                                              {"er_method": args.er_method}))
    t1, c1 = time.perf_counter(), time.process_time()
    result = cleaning.run(cfg, sources.load_company(Path(raw)))
    t_clean = time.perf_counter() - t1
    with tempfile.TemporaryDirectory() as tmp:
        write_outputs(result.tables, tmp, result.lineage, result.quarantine)
    wall, cpu = time.perf_counter() - t1, time.process_time() - c1
    peak = bc.peak_rss_mb()  # of the cleaning, before engine_steps reads the sources again
    steps = engine_steps(cfg, sources.load_company(Path(raw)))
    m = result.metrics() | evaluation.planted_scores(result, Path(raw) / "_truth").metrics
    out = {
        "size": args.size, "seed": args.seed, "er_method": args.er_method,
        "order_lines_in": m["rows_in_shop_orders"] + m["rows_in_pos_transactions"],
        "customer_records": m["n_customer_records"], "rows_in": m["rows_in"],
        "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "clean_seconds": round(t_clean, 1),
        "write_seconds": round(wall - t_clean, 1),
        "peak_rss_mb": peak, "generate_or_reuse_seconds": round(gen_seconds, 1),
        "er_precision": m.get("er_precision"), "er_recall": m.get("er_recall"), "er_f1": m.get("er_f1"),
        "engine_steps": steps, **bc.machine(), "targets": {"wall_seconds": 120, "peak_rss_mb": 4096},
    }
    bc.write_result(f"cleaning_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
