"""Benchmark 01's entity resolution by name block (``er_name_block``): splink with the name key alone against the name
key and the city, on the company world's standardised customer records.

    .venv/bin/python bench/bench_er_blocks.py --size large [--seed 42]

Uses the cached world (``world_cache``); standardises its person sources as 01 does, then runs
``entity_resolution.resolve_splink`` once per name block: wall and CPU seconds, candidate pairs scored, and pair
precision / recall / F1 against ``_truth/person_records.csv``. Also counts the person pairs sharing a name key in the
truth (the block that grows with the square of the persons). Writes ``bench/results/er_blocks_<size>.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    args = bc.parser(__doc__).parse_args(argv)
    bc.single_thread_blas()

    import pandas as pd

    from experiments.cleaning.analysis import _people, effective_as_of
    from experiments.cleaning.entity_resolution import NAME_BLOCKS, name_key, resolve_splink
    from experiments.cleaning.evaluation import pair_scores
    from experiments.cleaning.quarantine import Quarantine
    from experiments.cleaning.rules import RuleLog
    from experiments.cleaning.sources import load_company
    from experiments.lab.config import notebook_parameters

    folder, world_seconds = bc.cached_world(args.size, args.seed)
    raw = folder / "raw"
    params = notebook_parameters("01_data_cleaning", args.size, {})
    records = _people(load_company(raw), RuleLog.with_overrides({}), Quarantine(),
                      pd.Timestamp(effective_as_of(params["as_of"])), {})
    truth = pd.read_csv(raw / "_truth" / "person_records.csv", dtype=str)[["record_id", "person_id"]]
    names = pd.read_csv(raw / "_truth" / "persons.csv", usecols=["name"], dtype=str)["name"]
    keys = name_key(names).value_counts()
    blocks = {}
    for block in NAME_BLOCKS:
        times: dict[str, float] = {}
        with bc.timed(times, "resolve"):
            res = resolve_splink(records, threshold=float(params["er_threshold"]), seed=int(params["seed"]),
                                 name_block=block)
        scores = pair_scores(res.clusters, truth)
        blocks[block] = {**times, "candidate_pairs": int(res.n_candidate_pairs),
                         **{k: round(float(v), 4) if isinstance(v, float) else int(v) for k, v in scores.items()}}
    out = {"size": args.size, "seed": args.seed, "profile_name_block": params["er_name_block"],
           "customer_records": len(records), "persons": len(names), "distinct_name_keys": len(keys),
           "person_pairs_sharing_a_name_key": int((keys * (keys - 1) // 2).sum()), "blocks": blocks,
           "world_seconds": world_seconds, "peak_rss_mb": bc.peak_rss_mb(), **bc.machine()}
    bc.write_result(f"er_blocks_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
