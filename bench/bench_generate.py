"""Benchmark the synthetic company generator: wall time, peak RSS and order lines for one size.

    .venv/bin/python bench/bench_generate.py --size large [--seed 42]

Writes ``bench/results/generate_<size>.json`` and prints the same figures (wall and CPU seconds: on shared cores the
wall time follows the load, recorded before and after). Generation goes to a temporary folder
that is removed afterwards.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402

bc.single_thread_blas()


def main(argv: list[str] | None = None) -> int:
    args = bc.parser(__doc__).parse_args(argv)

    from experiments import synthetic

    load_before = round(os.getloadavg()[0], 1)
    with tempfile.TemporaryDirectory(prefix=f"cil-bench-{args.size}-") as tmp:
        t0, c0 = time.perf_counter(), time.process_time()
        manifest = synthetic.generate(Path(tmp) / "raw", size=args.size, seed=args.seed)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        raw_bytes = sum(p.stat().st_size for p in (Path(tmp) / "raw").rglob("*") if p.is_file())
    counts = manifest["counts"]
    result = {
        "size": args.size, "seed": args.seed, "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2), "load_average_1min_before": load_before,
        "peak_rss_mb": bc.peak_rss_mb(),
        "order_lines": counts["order_lines_total"], "shop_lines": counts["shop_lines"],
        "pos_lines": counts["pos_lines"], "persons": counts["persons"], "feedback_rows": counts["feedback_rows"],
        "ad_event_rows": counts["ad_event_rows"], "raw_megabytes": round(raw_bytes / 1e6, 1),
        "rows_per_file": {name: info["rows"] for name, info in manifest["files"].items()},
        "generator_version": manifest["generator_version"], **bc.machine(),
    }
    path = bc.write_result(f"generate_{args.size}", result)
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
