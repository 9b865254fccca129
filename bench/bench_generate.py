"""Benchmark the synthetic company generator: wall time, peak RSS and order lines for one size.

    .venv/bin/python bench/bench_generate.py --size large [--seed 42]

Writes ``bench/results/generate_<size>.json`` and prints the same figures. Generation goes to a temporary folder
that is removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", choices=["tiny", "small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args(argv)

    from experiments import synthetic

    with tempfile.TemporaryDirectory(prefix=f"cil-bench-{args.size}-") as tmp:
        t0 = time.perf_counter()
        manifest = synthetic.generate(Path(tmp) / "raw", size=args.size, seed=args.seed)
        wall = time.perf_counter() - t0
        raw_bytes = sum(p.stat().st_size for p in (Path(tmp) / "raw").rglob("*") if p.is_file())
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    counts = manifest["counts"]
    result = {
        "size": args.size, "seed": args.seed, "wall_seconds": round(wall, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "order_lines": counts["order_lines_total"], "shop_lines": counts["shop_lines"],
        "pos_lines": counts["pos_lines"], "persons": counts["persons"], "feedback_rows": counts["feedback_rows"],
        "ad_event_rows": counts["ad_event_rows"], "raw_megabytes": round(raw_bytes / 1e6, 1),
        "rows_per_file": {name: info["rows"] for name, info in manifest["files"].items()},
        "generator_version": manifest["generator_version"], "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"generate_{args.size}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, sort_keys=True))
    print(f"written to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
