"""Benchmark 04's churn analysis at one size: wall time and peak memory of features, labels and training.

    .venv/bin/python bench/bench_churn.py --size large [--seed 42]

Uses the shared cached world (``bench/world_cache.py``: generated and cleaned once). Measures, in this process:
reading the processed tables (``company.load_company``), the labels and the feature table as of the snapshot
(vectorised pandas group-bys, no loop per customer), the feature table as of the score date, then the whole
``pipeline.run_company`` (features again, the three models, bootstrap intervals, calibration, SHAP reasons and the
contact list). LightGBM runs with one thread. Wall times depend on what else runs on the 2 cores (the load average
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

    from experiments.churn import company, features, labels, models, pipeline

    c0 = time.process_time()
    t1 = time.perf_counter()
    inp = company.load_company(data_dir / "processed")
    t_load = time.perf_counter() - t1
    raw = data_dir / "raw"
    snapshot = labels.resolve_snapshot("", 90, inp.orders, raw)
    score_date = labels.resolve_score_date("", inp.orders, raw)
    t2 = time.perf_counter()
    y = labels.churn_labels(inp.orders, snapshot, 90).set_index("customer_id")["churned"]
    t_labels = time.perf_counter() - t2
    t3, c3 = time.perf_counter(), time.process_time()
    cats = features.top_categories(inp.orders, inp.items, snapshot)
    X = features.build_features(inp.orders, inp.items, inp.feedback, snapshot, categories=cats).loc[y.index]
    t_features, c_features = time.perf_counter() - t3, time.process_time() - c3
    t4, c4 = time.perf_counter(), time.process_time()
    split = models.split_rows(y.to_numpy(), 0.2, args.seed)
    fitted = models.fit_all(X, y, split, args.seed)
    t_train, c_train = time.perf_counter() - t4, time.process_time() - c4
    t5, c5 = time.perf_counter(), time.process_time()
    a = pipeline.run_company(inp, snapshot=snapshot, score_date=score_date, label_days=90,
                             settings=pipeline.Settings(seed=args.seed))
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
        "n_contacted": m["n_contacted"], "lgbm_n_jobs": 1, **bc.machine(),
    }
    bc.write_result(f"churn_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
