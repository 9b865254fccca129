"""Store the metrics.json of every notebook of a run as the smoke test's expected values.

    .venv/bin/python tools/expected_metrics.py reports/<run-id> --profile tiny

writes tests/notebooks/expected/<profile>.json ({notebook: {key: value}}). Run it after a change that is meant to
move a number (a fixed defect, a generator change), on a run of the world the smoke test uses (tiny, seed 7), and
say in the commit which keys moved and why. Keys that measure the machine rather than the analysis (fit seconds)
are left out; `tests/notebooks/test_smoke.py` compares every other key within a tolerance.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests" / "notebooks" / "expected"
#: metrics.json keys that measure the machine (wall or CPU time), not the analysis: never stored or compared.
VOLATILE = re.compile(r"(^|_)(fit_)?seconds(_|$)|_seconds_")


def stable(metrics: dict) -> dict:
    """Return ``metrics`` without the keys that measure the machine."""
    return {k: v for k, v in metrics.items() if not VOLATILE.search(k)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir", type=Path, help="a published run folder, reports/<run-id>")
    ap.add_argument("--profile", required=True, help="the profile the run used (file name of the expected values)")
    args = ap.parse_args(argv)
    found = {p.parent.name: stable(json.loads(p.read_text(encoding="utf-8")))
             for p in sorted(args.run_dir.glob("*/metrics.json"))}
    if not found:
        print(f"no */metrics.json under {args.run_dir}", file=sys.stderr)
        return 2
    EXPECTED.mkdir(parents=True, exist_ok=True)
    out = EXPECTED / f"{args.profile}.json"
    out.write_text(json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(found)} notebooks, {sum(map(len, found.values()))} keys)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
