"""Benchmark 08's Customer 360 at one size: wall time and peak memory of the profile, timeline, audiences and lookalike.

    nice .venv/bin/python bench/bench_profile.py --size large [--seed 42]

Uses the shared cached world (``bench/world_cache.py``: generated and cleaned once), linked into a folder of its own
(``data/interim/bench_profile/<size>-<seed>``) so the cache is never written to. The tables 08 joins are then
published there: 02's segments by ``segments.run`` (the notebook's own profile for the size; timed apart), and
stand-ins for 03/04/05/09 (``experiments.profile.stand_ins``, shared with the planted test: 10 recommendations for
80% of customers, churn scores for 70%, feedback sentiments, a care queue of up to 500, a 100-row retention list and
next actions for 60%, drawn with this script's own random numbers), because 08 only joins published tables.
The settings are the notebook's own (``notebook_parameters("08_customer_360", <size>, {"seed": <seed>})``).
Measured in this process: ``profile.run`` (reading every table, the blocks, the timeline, the audiences, the
lookalike and the cards), the audience export and ``Result.publish``. Wall times depend on what else runs on the 2
cores (the load average is recorded); cpu seconds do not. Writes ``bench/results/profile_<size>.json``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402


def own_folder(world: Path, size: str, seed: int) -> Path:
    """A data folder of its own: raw linked, the cached processed tables hard-linked (the cache stays untouched)."""
    import shutil

    folder = world.parent.parent / "bench_profile" / f"{size}-{seed}"
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "processed").mkdir(parents=True)
    (folder / "raw").symlink_to(world / "raw", target_is_directory=True)
    for f in (world / "processed").glob("*.parquet"):
        os.link(f, folder / "processed" / f.name)
    return folder


def main(argv: list[str] | None = None) -> dict:
    args = bc.parser(__doc__).parse_args(argv)
    bc.single_thread_blas()
    world, world_seconds = bc.cached_world(args.size, args.seed)
    folder = own_folder(world, args.size, args.seed)
    os.environ["CIL_DATA_DIR"] = str(folder)
    from experiments import profile, segments
    from experiments.data import contracts, processed
    from experiments.lab.config import notebook_parameters

    times: dict[str, float] = {}
    with bc.timed(times, "segments_02"):
        seg = segments.run(segments.Config.from_parameters(
            notebook_parameters("02_customer_segmentation", args.size, {"seed": args.seed})))
        seg.publish()
    customers, feedback = contracts.load_processed("customers"), contracts.load_processed("feedback")
    import numpy as np

    from experiments.profile.stand_ins import stand_ins

    processed.publish_results(stand_ins(customers, feedback, contracts.load_processed("items"),
                                        np.random.default_rng([args.seed, 8]), n_recommendations=10, n_care=500),
                              company_world=True)
    del seg, customers, feedback
    cfg = profile.Config.from_parameters(notebook_parameters("08_customer_360", args.size, {"seed": args.seed}))
    with bc.timed(times, "profile_run"):
        result = profile.run(cfg)
    out_dir = folder / "run"
    with bc.timed(times, "export_audiences"):
        files = result.export_audiences(out_dir)
    with bc.timed(times, "publish"):
        result.publish()
    t0 = time.perf_counter()
    from experiments.profile import evaluation

    lift = evaluation.metrics(result)["lookalike_top_decile_lift"]
    m = result.metrics()
    out = {"size": args.size, "seed": args.seed, "customers": m["n_customers"],
           "timeline_events": m["n_timeline_events"], "prospects_scored": m["n_prospects_scored"],
           "audience_sizes": {a: m[f"audience_{a}_size"] for a in cfg.audiences},
           "audience_files": len(files), "lookalike_top_decile_lift": lift, "lookalike_model": cfg.lookalike_model,
           **times, "evaluation_seconds": round(time.perf_counter() - t0, 2),
           "peak_rss_mb": bc.peak_rss_mb(), "world_build_or_reuse_seconds": world_seconds, **bc.machine()}
    bc.write_result(f"profile_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
