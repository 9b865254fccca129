"""Benchmark the recommender at one size: matrix build, ALS fit, batch recommendation for every customer.

    .venv/bin/python bench/bench_recommend.py --size large [--seed 42]

Uses the shared cached world (``bench/world_cache.cleaned_world``, built once under a lock), so the figures measure
only the recommender: interactions from ``processed/orders.parquet``, the customer x item matrix (the notebook's
weighting: quantity, log scaling), one ALS fit (the notebook's own parameters at the profile of the size, one
thread), top-n for ALL customers in batches (implicit's batched ``recommend`` without its per-user filter, bought
items dropped vectorised), the same through implicit's own ``filter_already_liked_items=True`` for comparison, and
the reasons/also-bought tables. Peak memory is this process's peak resident set size. Writes
``bench/results/recommend_<size>.json``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    args = bc.parser(__doc__).parse_args(argv)
    os.environ["OPENBLAS_NUM_THREADS"] = "1"

    import numpy as np
    import pandas as pd
    from world_cache import cleaned_world

    from experiments.lab.config import notebook_parameters
    from experiments.recommend import Config, business
    from experiments.recommend.models import ensure_single_thread_blas, make_model
    from experiments.recommend.sources import company_interactions

    ensure_single_thread_blas()
    data = cleaned_world(args.size, args.seed)
    orders = pd.read_parquet(data / "processed" / "orders.parquet")
    t: dict[str, float] = {}

    def timed(key: str, fn):
        with bc.timed(t, key):
            return fn()

    profile = args.size if args.size in ("tiny", "small", "large") else None
    cfg = Config.from_parameters(notebook_parameters("03_recommendations", profile, {"seed": args.seed}))
    inter = timed("interactions", lambda: company_interactions(orders).frame)
    m = timed("matrix", lambda: cfg.weighting.build(inter))
    model = timed("als_fit", lambda: make_model("als", dict(cfg.model_params["als"]), seed=args.seed).fit(m.user_items))
    rows = np.arange(m.n_users)
    ids, _ = timed("recommend_all", lambda: model.recommend(rows, m.user_items, cfg.n_recommendations))
    ref, _ = timed("implicit_filtered_recommend_all",
                   lambda: model.model.recommend(rows, m.user_items, N=cfg.n_recommendations,
                                                  filter_already_liked_items=True))
    same = float((ids == ref).all(axis=1).mean())
    recs = timed("lists_with_reasons", lambda: business.top_n(model, m, cfg.n_recommendations, cfg.exclude_bought))
    nb = timed("also_bought", lambda: business.also_bought(m, 5))
    out = {"size": args.size, "seed": args.seed, "interactions": len(inter), "users": m.n_users, "items": m.n_items,
           "nonzeros": int(m.user_items.nnz), "als_params": model.params,
           **t, "share_of_lists_equal_to_implicit_filtered": round(same, 4),
           "list_rows": len(recs), "neighbour_rows": len(nb), "peak_rss_mb": bc.peak_rss_mb(), **bc.machine(),
           "note": "2 cores shared with other jobs while measured: *_seconds is wall time (varies with their load), "
                   "*_cpu_seconds this process's CPU time"}
    bc.write_result(f"recommend_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
