"""Benchmark the Spark engine's pandas <-> Spark transfer with Arrow on and off, on the same frames back to back.

    .venv/bin/python bench/bench_engine_arrow.py --size large [--seed 42] [--reps 3]

The frames are the ones the Spark path ships at that size: 06's unit table for the per-variant moments
(``abtest.engine_steps.arm_moments``, from the notebook's defaults) and 07's contacts for the reply aggregates
(``service.engine_steps.reply_aggregates``, as in ``bench_service``). Both are prepared once on DuckDB; then each
step runs on one local Spark session (``spark_master`` of the notebook) ``--reps`` times with
``spark.sql.execution.arrow.pyspark.enabled`` true and false in turn, after one untimed warm-up of each (the JVM's
first jobs). Wall seconds per repetition; the load average is recorded before and after. Writes
``bench/results/engine_arrow_<size>.json``.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = bc.parser(__doc__)
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions per setting")
    args = ap.parse_args(argv)
    bc.single_thread_blas()
    data_dir, _ = bc.cached_world(args.size, args.seed)
    os.environ["CIL_DATA_DIR"] = str(data_dir)
    import bench_service

    from experiments import abtest, service
    from experiments.abtest import analysis
    from experiments.abtest import engine_steps as ab_steps
    from experiments.data.inputs import InputTable
    from experiments.lab.config import notebook_parameters
    from experiments.service import contacts
    from experiments.service import engine_steps as sv_steps

    cfg = abtest.Config.from_parameters(notebook_parameters("06_ad_ab_analysis", None,
                                                            {"seed": args.seed, "aa_sims": 0, "engine": "duckdb"}))
    units = abtest.run(cfg, abtest.load(cfg)).data
    cols = analysis.moment_columns(cfg, list(units.columns))
    frame, _, _ = bench_service._service_contacts(args.size, args.seed)
    table = InputTable(frame=frame, columns=bench_service.COLUMNS, source="service_contacts", path=None,
                       fingerprint="", extra={"company": True})
    scfg = service.Config.from_parameters(notebook_parameters("07_service_operations", None, {"engine": "duckdb"}))
    replies = service.run(scfg, service.Data(input=table, contacts=contacts.build(table, scfg.data_engine()))).contacts
    spark = replace(cfg, engine="spark").data_engine()
    steps = {"abtest_moments": lambda: ab_steps.arm_moments(spark, units, cfg.variant_col, cols),
             "service_aggregates": lambda: sv_steps.reply_aggregates(spark, replies)}
    conf = spark.session().conf
    out: dict = {"size": args.size, "seed": args.seed, "units": len(units), "moment_columns": len(cols),
                 "contacts": len(replies), "spark_master": spark.spark_master,
                 "load_average_1min_before": round(os.getloadavg()[0], 2)}
    for arrow in ("true", "false"):  # warm-up, untimed
        conf.set("spark.sql.execution.arrow.pyspark.enabled", arrow)
        for step in steps.values():
            step()
    for _ in range(args.reps):
        for arrow in ("true", "false"):
            conf.set("spark.sql.execution.arrow.pyspark.enabled", arrow)
            for name, step in steps.items():
                t = time.perf_counter()
                step()
                out.setdefault(f"{name}_seconds_arrow_{'on' if arrow == 'true' else 'off'}", []).append(
                    round(time.perf_counter() - t, 2))
    conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    out |= {"load_average_1min_after": round(os.getloadavg()[0], 2), "peak_rss_mb": bc.peak_rss_mb(), **bc.machine()}
    bc.write_result(f"engine_arrow_{args.size}", out)
    return out


if __name__ == "__main__":
    main()
