"""Benchmark notebook 07's analysis (service levels, bot, early warning, staffing): wall time and peak memory.

    .venv/bin/python bench/bench_service.py --size large [--seed 42] [--engine duckdb|spark]

Uses the shared cached world (``bench/world_cache.py``: generated and cleaned once). A cached world built before the
service log existed has no ``service_contacts``: the service log is then generated and cleaned here (its customer
references kept as they are), outside the timed part. Times ``contacts.build`` + ``service.run`` with the notebook's
own parameters (``lab.config.notebook_parameters``; ``--engine`` for the data steps, default the notebook's); the
incident's detection delay comes from ``service.evaluation``. The data step alone (``engine_steps.reply_aggregates``:
the per-channel levels and the channel x weekday x hour cube) is timed again as ``aggregates_step_seconds`` (inside
the wall time too). Peak memory is this process's peak resident set size (a Spark engine's JVM is not in it).
Writes ``bench/results/service_<size>.json`` (``service_<size>_spark.json`` on Spark).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402

COLUMNS = {"contact_id": "conversation_id", "channel": "channel", "opened": "opened_at",
           "first_reply": "first_reply_at", "resolved": "resolved_at", "customer": "customer_id", "text": "text"}
"""07's roles mapped onto the company world's service_contacts columns."""


def _service_contacts(size: str, seed: int) -> tuple[pd.DataFrame, dict, str]:
    from world_cache import cleaned_world

    data = cleaned_world(size, seed)
    table = data / "processed" / "service_contacts.parquet"
    truth = data / "raw" / "_truth" / "service.json"
    if table.is_file() and truth.is_file():
        return pd.read_parquet(table), json.loads(truth.read_text(encoding="utf-8")), "cached world"
    from experiments.cleaning.quarantine import Quarantine
    from experiments.cleaning.rules import RuleLog
    from experiments.cleaning.service_contacts import clean_service
    from experiments.cleaning.sources import company_sources
    from experiments.synthetic import writer
    from experiments.synthetic.population import assign_records, make_persons
    from experiments.synthetic.service import make_service_log
    from experiments.synthetic.sizes import get_size

    spec = get_size(size)
    persons = make_persons(spec.persons, seed)
    records = assign_records(persons, seed)
    raw, truth_obj = make_service_log(spec, seed, records, persons)
    with tempfile.TemporaryDirectory() as tmp:
        writer.write_csv(raw, Path(tmp) / "service_log.csv")
        refs = pd.Series(records["record_id"].to_numpy(), index=records["record_id"].to_numpy())
        sc = clean_service(Path(tmp), company_sources("service")["service"], refs,
                           as_of=pd.Timestamp("2025-07-01"), log=RuleLog(), quarantine=Quarantine(), raw={})
    return sc, truth_obj, "service log generated here (cached world predates it)"


def main(argv: list[str] | None = None) -> dict:
    ap = bc.parser(__doc__)
    ap.add_argument("--engine", default="", help="engine of the data steps (duckdb or spark); empty: the notebook's")
    args = ap.parse_args(argv)
    bc.single_thread_blas()

    from experiments import service
    from experiments.data.inputs import InputTable
    from experiments.lab.config import notebook_parameters
    from experiments.service import contacts, engine_steps, evaluation

    sc, truth, origin = _service_contacts(args.size, args.seed)
    t0 = time.perf_counter()
    table = InputTable(frame=sc, columns=COLUMNS, source="service_contacts", path=None, fingerprint="",
                       extra={"company": True})
    cfg = service.Config.from_parameters(notebook_parameters("07_service_operations", None,
                                                             {"engine": args.engine} if args.engine else {}))
    r = service.run(cfg, service.Data(input=table, contacts=contacts.build(table, cfg.data_engine())))
    wall = time.perf_counter() - t0
    t1 = time.perf_counter()
    engine_steps.reply_aggregates(cfg.data_engine(), r.contacts)
    step = time.perf_counter() - t1
    m = r.metrics() | evaluation.metrics(r, truth)
    out = {
        "size": args.size, "seed": args.seed, "contacts": len(sc), "data": origin,
        "wall_seconds": round(wall, 1), "aggregates_step_seconds": round(step, 2), "engine": cfg.engine,
        "peak_rss_mb": bc.peak_rss_mb(),
        "share_within_target": m["share_within_target"], "n_alerts": m["n_alerts"],
        "incident_detection_delay_days": m.get("incident_detection_delay_days"),
        "forecast_mase": m["forecast_mase"], "forecast_mase_seasonal_naive": m["forecast_mase_seasonal_naive"],
        **bc.machine(), "targets": {"wall_seconds": 60, "peak_rss_mb": 4096},
    }
    bc.write_result(f"service_{args.size}" + ("_spark" if cfg.engine == "spark" else ""), out)
    return out


if __name__ == "__main__":
    main()
