"""Benchmark the recommender at one size: matrix build, ALS fit, batch recommendation for every customer.

    .venv/bin/python bench/bench_recommend.py --size large [--seed 42]

Uses the shared cached world (``bench/world_cache.cleaned_world``, built once under a lock), so the figures measure
only the recommender: interactions from ``processed/orders.parquet``, the customer x item matrix (the notebook's
weighting: quantity, log scaling), one ALS fit (the notebook's own parameters at the profile of the size, one
thread), top-n for ALL customers in batches (implicit's batched ``recommend`` without its per-user filter, bought
items dropped vectorised), the same through implicit's own ``filter_already_liked_items=True`` for comparison, and
the reasons/also-bought tables, the matrix once more with its cells summed on DuckDB (``matrix_duckdb``, the
Spark path's SQL: the same matrix), and the notebook's whole ``recommend.run`` at the size's profile
(``recommend_run``, search included). Peak memory is this process's peak resident set size. Writes
``bench/results/recommend_<size>.json``.

    .venv/bin/python bench/bench_recommend.py --size medium --search

compares 03's searches instead: the whole large grid (``search_grid: large``) against the budgeted search (the
``large`` profile's ``search_budget_seconds`` and ``search_validation_users``), each through ``recommend.run`` on
the same cached world; test NDCG@10 of every model, the chosen model, the number of fits, wall and CPU seconds and
the load average. Writes ``bench/results/recommend_search_<size>.json``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402


def compare_searches(size: str, seed: int) -> dict:
    """The large grid against the budgeted search on the cached world of ``size`` (see the module docstring)."""
    import time

    from world_cache import cleaned_world

    from experiments import recommend
    from experiments.lab.config import notebook_parameters

    data_dir = cleaned_world(size, seed)
    os.environ["CIL_DATA_DIR"] = str(data_dir)
    large = notebook_parameters("03_recommendations", "large", {"seed": seed})
    runs = {"grid": {"search_grid": "large", "search_budget_seconds": 0, "search_validation_users": 0},
            "budget": {"search_grid": "large", "search_budget_seconds": large["search_budget_seconds"],
                       "search_validation_users": large["search_validation_users"]}}
    out: dict = {"size": size, "seed": seed}
    for name, over in runs.items():
        cfg = recommend.Config.from_parameters(notebook_parameters("03_recommendations", None, {"seed": seed, **over}))
        data = recommend.load(cfg)
        wall, cpu = time.perf_counter(), time.process_time()
        result = recommend.run(cfg, data)
        m = result.metrics()
        out[name] = {**over, "wall_seconds": round(time.perf_counter() - wall, 1),
                     "cpu_seconds": round(time.process_time() - cpu, 1), "load_average": os.getloadavg(),
                     "fits": len(result.search), "chosen_model": m["chosen_model"],
                     **{k: v for k, v in m.items() if k.endswith("_ndcg_at_k")}}
    best = {name: out[name][f"{out[name]['chosen_model']}_ndcg_at_k"] for name in runs}
    out["chosen_test_ndcg_budget_over_grid"] = round(best["budget"] / best["grid"], 4)
    out.update(bc.machine())
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = bc.parser(__doc__)
    ap.add_argument("--search", action="store_true", help="compare the large grid with the budgeted search")
    args = ap.parse_args(argv)
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    if args.search:
        out = compare_searches(args.size, args.seed)
        bc.write_result(f"recommend_search_{args.size}", out)
        return out

    import numpy as np
    import pandas as pd
    from world_cache import cleaned_world

    from experiments import recommend
    from experiments.data.engine import Engine
    from experiments.lab.config import notebook_parameters
    from experiments.recommend import Config, business
    from experiments.recommend.evaluate import Weighting
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
    duck = Weighting(cfg.use_weight, cfg.recency_half_life_days, cfg.scaling,
                     Engine("duckdb", "", cfg.engine_memory_limit))
    same_matrix = (timed("matrix_duckdb", lambda: duck.build(inter)).user_items != m.user_items).nnz == 0
    model = timed("als_fit", lambda: make_model("als", dict(cfg.model_params["als"]), seed=args.seed).fit(m.user_items))
    rows = np.arange(m.n_users)
    ids, _ = timed("recommend_all", lambda: model.recommend(rows, m.user_items, cfg.n_recommendations))
    ref, _ = timed("implicit_filtered_recommend_all",
                   lambda: model.model.recommend(rows, m.user_items, N=cfg.n_recommendations,
                                                  filter_already_liked_items=True))
    same = float((ids == ref).all(axis=1).mean())
    recs = timed("lists_with_reasons", lambda: business.top_n(model, m, cfg.n_recommendations, cfg.exclude_bought))
    nb = timed("also_bought", lambda: business.also_bought(m, 5))
    # the notebook's whole analysis at this size's profile (search included), on the same world
    os.environ["CIL_DATA_DIR"] = str(data)
    result = timed("recommend_run", lambda: recommend.run(cfg))
    run_metrics = result.metrics()
    out = {"size": args.size, "seed": args.seed, "interactions": len(inter), "users": m.n_users, "items": m.n_items,
           "nonzeros": int(m.user_items.nnz), "als_params": model.params,
           **t, "share_of_lists_equal_to_implicit_filtered": round(same, 4),
           "list_rows": len(recs), "neighbour_rows": len(nb), "matrix_duckdb_equal": bool(same_matrix),
           "run_search_fits": run_metrics["n_search_fits"], "run_chosen_model": run_metrics["chosen_model"],
           **{f"run_{k}": v for k, v in run_metrics.items() if k.endswith("_ndcg_at_k")},
           "peak_rss_mb": bc.peak_rss_mb(), **bc.machine(),
           "note": "2 cores shared with other jobs while measured: *_seconds is wall time (varies with their load), "
                   "*_cpu_seconds this process's CPU time"}
    bc.write_result(f"recommend_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
