"""Benchmark 04's churn analysis at one size: wall time and peak memory of features, labels and training.

    .venv/bin/python bench/bench_churn.py --size large [--seed 42]

Uses the shared cached world (``bench/world_cache.py``: generated and cleaned once). The settings are the notebook's
own: ``lab.config.notebook_parameters("04_churn_prediction", <size>, {"seed": <seed>})`` (the world-size profile:
campaign cost 100, success rate 0.2, the generated world's snapshot and score date), so the benchmark measures what
the notebook runs. Measures, in this process: reading the processed tables (``sources.load``), the labels and the
feature table as of the snapshot (vectorised pandas group-bys, no loop per customer), the three models on one split,
then the whole ``churn.run`` (features again, the three models, bootstrap intervals, calibration, SHAP reasons and
the contact list). LightGBM runs with one thread. Wall times depend on what else runs on the 2 cores (the load average
is recorded); ``cpu_seconds`` (this process's CPU time) does not. Peak memory is this process's peak resident set
size. Writes ``bench/results/churn_<size>.json``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    args = bc.parser(__doc__).parse_args(argv)
    bc.single_thread_blas()
    data_dir, world_seconds = bc.cached_world(args.size, args.seed)

    import os

    os.environ["CIL_DATA_DIR"] = str(data_dir)  # sources.load reads the cached world's processed tables
    from experiments import churn
    from experiments.churn import features, labels, models, sources
    from experiments.lab.config import notebook_parameters

    cfg = churn.Config.from_parameters(notebook_parameters("04_churn_prediction", args.size, {"seed": args.seed}))
    c0 = time.process_time()
    t1 = time.perf_counter()
    data = sources.load(cfg)
    t_load = time.perf_counter() - t1
    inp, snapshot = data.company, data.snapshot
    t2 = time.perf_counter()
    y = labels.churn_labels(inp.orders, snapshot, cfg.label_days).set_index("customer_id")["churned"]
    t_labels = time.perf_counter() - t2
    t3, c3 = time.perf_counter(), time.process_time()
    cats = features.top_categories(inp.orders, inp.items, snapshot)
    X = features.build_features(inp.orders, inp.items, inp.feedback, snapshot, categories=cats).loc[y.index]
    t_features, c_features = time.perf_counter() - t3, time.process_time() - c3
    t4, c4 = time.perf_counter(), time.process_time()
    split = models.split_rows(y.to_numpy(), cfg.test_fraction, cfg.seed)
    fitted = models.fit_all(X, y, split, cfg.seed)
    t_train, c_train = time.perf_counter() - t4, time.process_time() - c4
    t5, c5 = time.perf_counter(), time.process_time()
    a = churn.run(cfg, data)
    t_full, c_full = time.perf_counter() - t5, time.process_time() - c5
    c_all = time.process_time() - c0
    m = a.metrics()
    out = {
        "size": args.size, "seed": args.seed, "order_lines": int(len(inp.orders)),
        "customers_modelled": int(len(y)), "customers_scored": m["n_scored"], "features": int(X.shape[1]),
        "load_seconds": round(t_load, 1), "labels_seconds": round(t_labels, 2),
        "features_seconds": round(t_features, 2), "train_three_models_seconds": round(t_train, 1),
        "lgbm_trees": fitted.best_iteration, "full_analysis_seconds": round(t_full, 1),
        "cpu_seconds": {"features": round(c_features, 1), "train_three_models": round(c_train, 1),
                        "full_analysis": round(c_full, 1), "all": round(c_all, 1)},
        "peak_rss_mb": bc.peak_rss_mb(), "world_build_or_reuse_seconds": world_seconds,
        "lgbm_roc_auc": m["lgbm_roc_auc"], "logreg_roc_auc": m["logreg_roc_auc"], "rf_roc_auc": m["rf_roc_auc"],
        "campaign_cost": cfg.campaign_cost, "campaign_success_rate": cfg.campaign_success_rate,
        "snapshot_date": m["snapshot_date"], "score_date": m["score_date"],
        "n_contacted": m["n_contacted"], "n_worth_contacting": m["n_worth_contacting"],
        "expected_profit": m["expected_profit"], "lgbm_n_jobs": 1, **bc.machine(),
    }
    bc.write_result(f"churn_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
