"""The whole clean of the company world: raw sources -> contract tables + the quality report behind notebook 01.

``clean_company(raw_dir, ...)`` returns a ``CleaningResult``; ``write_outputs(result, folder)`` writes the Parquet
tables, the lineage and the quarantine files. ``clean_order_lines`` (a flat order-lines table such as Online Retail)
lives in ``experiments.cleaning.flat`` and is re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.cleaning.entity_resolution import Resolution, resolve
from experiments.cleaning.evaluate import pair_scores
from experiments.cleaning.flat import FlatResult, clean_order_lines
from experiments.cleaning.impute import impute_city
from experiments.cleaning.orders import ORDER_COLUMNS, OrderCounts, clean_lines, guest_orders
from experiments.cleaning.people import standardise_person_source
from experiments.cleaning.quarantine import Quarantine
from experiments.cleaning.rules import RuleLog, apply_rule
from experiments.cleaning.service_contacts import clean_service
from experiments.cleaning.sources import company_sources, read_source, to_order_layout
from experiments.cleaning.standardise import parse_dates
from experiments.cleaning.survivorship import golden_records, resolve_rules
from experiments.data import contracts

__all__ = ["CleaningResult", "clean_company", "clean_order_lines", "write_outputs", "FlatResult", "missingness"]
MANIFEST = "_truth/manifest.json"


def effective_as_of(as_of: str = "", raw_dir: str | Path | None = None) -> str:
    """Return the data's "today" as an ISO date: order, signup and birth dates after it are impossible.

    An explicit ``as_of`` wins. Otherwise a generated company world states its own today in
    ``raw_dir/_truth/manifest.json`` (generation metadata, not an answer the cleaning could peek at); any other
    data (a real export, a flat table) is checked against today's UTC date.
    """
    if as_of:
        try:
            return pd.Timestamp(str(as_of)).strftime("%Y-%m-%d")
        except (ValueError, TypeError) as exc:
            from experiments.data.tables import DataInputError

            raise DataInputError(f"parameter as_of: {as_of!r} is not a date; give an ISO date such as 2025-06-30, "
                                 "or leave it empty (the world's own today, else today's date)") from exc
    manifest = Path(raw_dir) / MANIFEST if raw_dir else None
    if manifest is not None and manifest.is_file():
        stated = json.loads(manifest.read_text(encoding="utf-8")).get("as_of")
        if stated:
            return str(stated)
    return pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d")


@dataclass
class CleaningResult:
    """Contract tables plus everything the quality report shows."""

    tables: dict[str, pd.DataFrame]
    lineage: pd.DataFrame | None     # which record won each golden field (None for a flat table)
    records: pd.DataFrame | None     # standardised person records with customer_id (None for a flat table)
    raw: dict[str, pd.DataFrame]     # raw frames as read (for before/after)
    log: RuleLog
    quarantine: Quarantine
    order_counts: dict[str, OrderCounts]
    imputed: pd.DataFrame | None
    resolution: Resolution | None
    er_scores: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, float | int | str] = field(default_factory=dict)
    input: Any = None                # the inputs.InputTable of a flat table


def _customer_ids(clusters: pd.DataFrame) -> pd.Series:
    """Stable ids: clusters numbered by their smallest record id -> 'K0000001', ..."""
    first = clusters.groupby("cluster_id")["record_id"].min().sort_values()
    ids = pd.Series([f"K{i:07d}" for i in range(1, len(first) + 1)], index=first.index)
    return clusters["cluster_id"].map(ids).set_axis(clusters["record_id"])


def _people(raw_dir: Path, log: RuleLog, q: Quarantine, as_of: pd.Timestamp, raw: dict) -> pd.DataFrame:
    parts = []
    for name, cfg in company_sources("person").items():
        raw[name] = read_source(raw_dir, cfg)
        parts.append(standardise_person_source(raw[name], cfg, as_of=as_of, log=log, quarantine=q))
    return pd.concat(parts, ignore_index=True)


def _orders(raw_dir: Path, log: RuleLog, q: Quarantine, as_of: pd.Timestamp, raw: dict,
            ref_to_customer: pd.Series) -> tuple[pd.DataFrame, dict[str, OrderCounts]]:
    parts, counts = [], {}
    for name, cfg in company_sources("orders").items():
        raw[name] = read_source(raw_dir, cfg)
        lines = to_order_layout(raw[name], cfg)
        clean, counts[name] = clean_lines(raw[name], lines, source=name, log=log, quarantine=q, as_of=as_of,
                                          date_order=cfg.date_order, utc_offset_hours=cfg.utc_offset_hours,
                                          label=cfg.file, date_column=cfg.columns["ordered_at_raw"])
        clean["customer_id"] = clean["customer_ref"].map(ref_to_customer).astype("string")
        unknown = clean["customer_ref"].notna() & clean["customer_id"].isna()
        log.record(name, "unknown_customer_ref", "customer_id", int(unknown.sum()), "null")
        parts.append(clean.drop(columns=["customer_ref"]))
    orders = pd.concat(parts, ignore_index=True)
    if "delivery_days" in orders:
        orders["delivery_days"] = pd.to_numeric(orders["delivery_days"], errors="coerce").astype("Int64")
    extra = [c for c in ("delivery_days", "store_city") if c in orders]
    return orders[ORDER_COLUMNS + extra], counts


def _simple_source(raw_dir: Path, name: str, q: Quarantine, raw: dict) -> pd.DataFrame:
    cfg = company_sources()[name]
    raw[name] = read_source(raw_dir, cfg)
    q.set_in(name, len(raw[name]))
    return raw[name].rename(columns={v: k for k, v in cfg.columns.items()})


def _feedback(raw_dir: Path, q: Quarantine, log: RuleLog, raw: dict, ref_to_customer: pd.Series) -> pd.DataFrame:
    fb = _simple_source(raw_dir, "feedback", q, raw)
    fb["created_at"] = parse_dates(fb["created_at"], column="created_at").values.dt.tz_localize("UTC")
    ref = fb["author_ref"].astype("string").str.strip()
    fb["customer_id"] = ref.where(ref != "").map(ref_to_customer).astype("string")
    text = fb["text"].astype("string")
    fb["language"] = np.where(text.str.contains(r"[\u4e00-\u9fff]", regex=True).fillna(False), "zh", "en")
    fb["rating"] = pd.to_numeric(fb["rating"], errors="coerce").astype("Int64")
    bad = fb["created_at"].isna() | text.isna() | (text.str.strip() == "")
    fb, bad_rows = apply_rule(fb, bad, rule="missing_order_time", column="created_at", source="feedback", log=log)
    q.add("feedback", bad_rows.assign(reason="unreadable_feedback") if len(bad_rows) else bad_rows)
    q.set_out("feedback", len(fb))
    cols = ["feedback_id", "customer_id", "channel", "created_at", "language", "text", "rating", "author_ref"]
    return fb[cols].reset_index(drop=True)


def _ad_events(raw_dir: Path, q: Quarantine, raw: dict) -> pd.DataFrame:
    ad = _simple_source(raw_dir, "ad_events", q, raw)
    ad["date"] = parse_dates(ad["date"], column="date").values.dt.normalize()
    for c in ("impressions", "clicks", "conversions", "pre_conversions", "pre_impressions", "pre_clicks"):
        if c in ad:
            ad[c] = pd.to_numeric(ad[c], errors="coerce").astype("int64")
    for c in ("revenue", "cost", "pre_revenue"):
        if c in ad:
            ad[c] = pd.to_numeric(ad[c], errors="coerce").astype("float64")
    q.set_out("ad_events", len(ad))
    return ad


def missingness(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Share of missing values per (table, column)."""
    rows = [{"table": t, "column": c, "missing_share": float(df[c].isna().mean()) if len(df) else 0.0}
            for t, df in tables.items() for c in df.columns]
    return pd.DataFrame(rows)


def clean_company(raw_dir: str | Path, *, as_of: str = "", er_method: str = "splink", er_threshold: float = 0.5,
                  survivorship_default: str = "", survivorship_rules: Mapping[str, str] | None = None,
                  rule_actions: Mapping[str, str] | None = None, impute_city_from_phone: bool = False,
                  seed: int = 42, truth_dir: str | Path | None = None) -> CleaningResult:
    """Clean every raw source of the company world in ``raw_dir`` into the contract tables.

    Entity resolution links customer records (``er_method``: splink or deterministic); survivorship builds one golden
    row per person; orders and feedback get the person's ``customer_id`` via the raw record id they cite. Only when
    ``truth_dir`` is given (an evaluation of a generated world) are ER precision/recall/F1 computed against its
    ``person_records.csv``: production cleaning never reads the planted truth.
    ``as_of`` (ISO date; empty means :func:`effective_as_of`) is the date after which dates are impossible.
    """
    raw_dir = Path(raw_dir)
    as_of_ts = pd.Timestamp(effective_as_of(as_of, raw_dir))
    log, q, raw = RuleLog.with_overrides(rule_actions), Quarantine(), {}
    records = _people(raw_dir, log, q, as_of_ts, raw)
    resolution = resolve(records, method=er_method, threshold=er_threshold, seed=seed)
    ref_to_customer = _customer_ids(resolution.clusters)
    records["customer_id"] = records["record_id"].map(ref_to_customer)
    records, imputed = impute_city(records, use_phone_area=impute_city_from_phone)
    golden, lineage = golden_records(records, resolve_rules(survivorship_default, survivorship_rules))
    customers = golden[["customer_id", "name", "email", "phone", "city", "signup_date", "acquisition_channel",
                        "source_ids", "gender", "birth_date", "address"]]
    items = _simple_source(raw_dir, "items", q, raw)
    items["price"] = pd.to_numeric(items["price"], errors="coerce")
    q.set_out("items", len(items))
    orders, order_counts = _orders(raw_dir, log, q, as_of_ts, raw, ref_to_customer)
    feedback = _feedback(raw_dir, q, log, raw, ref_to_customer)
    ad_events = _ad_events(raw_dir, q, raw)
    service = {f"{c.kind}_contacts": clean_service(raw_dir, c, ref_to_customer, as_of=as_of_ts, log=log, quarantine=q,
                                                   raw=raw) for c in company_sources("service").values()}
    tables = {"customers": customers, "orders": orders, "items": items[["item_id", "name", "category", "price"]],
              "feedback": feedback, "ad_events": ad_events, **service}
    tables = {k: contracts.validate(v, k) for k, v in tables.items()}
    lineage = contracts.validate(lineage, "lineage")
    scores = {}
    if truth_dir is not None:
        scores = pair_scores(resolution.clusters, pd.read_csv(Path(truth_dir) / "person_records.csv", dtype=str))
    result = CleaningResult(tables=tables, lineage=lineage, records=records, raw=raw, log=log, quarantine=q,
                            order_counts=order_counts, imputed=imputed, resolution=resolution, er_scores=scores)
    result.metrics = company_metrics(result)
    return result


def company_metrics(r: CleaningResult) -> dict[str, float | int | str]:
    """The metrics.json keys of the company-world run (totals and ``<key>_<source>`` per source)."""
    rec = r.quarantine.reconciliation()
    m: dict[str, float | int | str] = {
        "rows_in": int(rec["rows_in"].sum()), "rows_out": int(rec["rows_out"].sum()),
        "rows_quarantined": int(rec["rows_quarantined"].sum()),
    }
    for row in rec.itertuples():
        m[f"rows_in_{row.source}"] = int(row.rows_in)
        m[f"rows_out_{row.source}"] = int(row.rows_out)
        m[f"rows_quarantined_{row.source}"] = int(row.rows_quarantined)
    orders = r.tables["orders"]
    c = r.order_counts.values()
    m.update({
        "n_customer_records": len(r.records),
        "n_customers": len(r.tables["customers"]),
        "n_duplicate_records_merged": len(r.records) - len(r.tables["customers"]),
        "n_orders": int(orders[["channel", "order_id"]].drop_duplicates().shape[0]),
        "n_order_lines": len(orders),
        "n_cancellations": sum(x.n_cancellations for x in c),
        "n_returns": sum(x.n_returns for x in c),
        "n_duplicate_rows": sum(x.n_duplicate_rows for x in c),
        "n_missing_customer_id": sum(x.n_missing_customer_id for x in c),
        "n_guest_orders": guest_orders(orders),
        "n_city_imputed": int(r.imputed.loc[r.imputed["method"] != "not_filled", "n_filled"].sum()),
        "revenue_completed": round(float(orders.loc[orders["status"] == "completed", "amount"].sum()), 2),
        "er_method": r.resolution.method,
    })
    if r.er_scores:
        m.update({"er_precision": round(r.er_scores["precision"], 4), "er_recall": round(r.er_scores["recall"], 4),
                  "er_f1": round(r.er_scores["f1"], 4)})
    return m


def write_outputs(tables: Mapping[str, pd.DataFrame], folder: str | Path, lineage: pd.DataFrame | None = None,
                  quarantine: Quarantine | None = None) -> list[Path]:
    """Write ``<folder>/<table>.parquet`` (+ lineage.parquet, quarantine/<source>.csv); return the paths written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        path = folder / f"{name}.parquet"
        df.to_parquet(path, index=False)
        written.append(path)
    if lineage is not None:
        lineage.to_parquet(folder / "lineage.parquet", index=False)
        written.append(folder / "lineage.parquet")
    if quarantine is not None:
        written += quarantine.write(folder / "quarantine")
    return written
