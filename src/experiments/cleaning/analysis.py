"""The whole clean: ``run(config, data=None) -> Result``, the company world or a flat order-lines table.

Company world: person records of every customer source are standardised, linked by entity resolution
(``er_method``) and merged into golden customers (survivorship, lineage); orders, feedback, ad events and service
contacts get the person's ``customer_id`` through the raw record id they cite. A flat table
(``experiments.cleaning.order_lines``) gives orders / items / customers. What a flat table cannot have (person
records, entity resolution, lineage) is None in the ``Result``, and the report's sections ask the result.
Production cleaning never reads the planted truth: ``experiments.cleaning.evaluation`` scores the merge.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.cleaning.campaigns import clean_campaigns
from experiments.cleaning.config import Config
from experiments.cleaning.engine_steps import customer_ids_of
from experiments.cleaning.entity_resolution import resolve
from experiments.cleaning.impute import impute_city
from experiments.cleaning.order_lines import clean_order_lines
from experiments.cleaning.orders import ORDER_COLUMNS, OrderCounts, clean_lines
from experiments.cleaning.people import standardise_person_source
from experiments.cleaning.quarantine import Quarantine
from experiments.cleaning.result import Result
from experiments.cleaning.rules import RuleLog, apply_rule
from experiments.cleaning.service_contacts import clean_service_frame
from experiments.cleaning.sources import Data, company_sources, load, to_order_layout
from experiments.cleaning.survivorship import golden_records, resolve_rules
from experiments.common.dates import parse_dates
from experiments.common.errors import DataInputError
from experiments.data import contracts
from experiments.data.engine import Engine


def effective_as_of(as_of: str) -> str:
    """Return the data's "today" as an ISO date: order, signup and birth dates after it are impossible.

    An explicit ``as_of`` wins (a generated world's profiles set its own today); empty means today's UTC date.
    """
    if as_of:
        try:
            return pd.Timestamp(str(as_of)).strftime("%Y-%m-%d")
        except (ValueError, TypeError) as exc:
            raise DataInputError(f"parameter as_of: {as_of!r} is not a date; give an ISO date such as 2025-06-30, "
                                 "or leave it empty (today's date)") from exc
    return pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d")


def run(config: Config, data: Data | None = None) -> Result:
    """Clean ``data`` (read with ``load(config)`` when not given) and return the ``Result``."""
    data = data or load(config)
    if data.table is not None:
        return _clean_flat(config, data)
    return _clean_company(config, data)


def _clean_flat(config: Config, data: Data) -> Result:
    table = data.table
    flat = clean_order_lines(table.frame, table.columns, source_name=table.source, date_order=config.date_order,
                             date_format=config.date_format, cancel_prefix=config.cancel_prefix,
                             as_of=effective_as_of(config.as_of), rule_actions=config.rule_actions,
                             engine=config.data_engine())
    return Result(config=config, tables=flat.tables, lineage=None, records=None, raw={"order_lines": table.frame},
                  log=flat.log, quarantine=flat.quarantine, order_counts={"order_lines": flat.counts}, imputed=None,
                  resolution=None, input=data.inventory)


def customer_ids(clusters: pd.DataFrame) -> pd.Series:
    """Stable ids: clusters numbered by their smallest record id -> 'K0000001', ..."""
    first = clusters.groupby("cluster_id")["record_id"].min().sort_values()
    ids = pd.Series([f"K{i:07d}" for i in range(1, len(first) + 1)], index=first.index)
    return clusters["cluster_id"].map(ids).set_axis(clusters["record_id"])


def _people(data: Data, log: RuleLog, q: Quarantine, as_of: pd.Timestamp, raw: dict) -> pd.DataFrame:
    parts = []
    for name, cfg in company_sources("person").items():
        raw[name] = data.frames[name]
        parts.append(standardise_person_source(raw[name], cfg, as_of=as_of, log=log, quarantine=q))
    return pd.concat(parts, ignore_index=True)


def _orders(data: Data, log: RuleLog, q: Quarantine, as_of: pd.Timestamp, raw: dict,
            ref_to_customer: pd.Series, engine: Engine) -> tuple[pd.DataFrame, dict[str, OrderCounts]]:
    parts, counts = [], {}
    for name, cfg in company_sources("orders").items():
        raw[name] = data.frames[name]
        lines = to_order_layout(raw[name], cfg)
        clean, counts[name] = clean_lines(raw[name], lines, source=name, log=log, quarantine=q, as_of=as_of,
                                          date_order=cfg.date_order, utc_offset_hours=cfg.utc_offset_hours,
                                          label=cfg.file, date_column=cfg.columns["ordered_at_raw"], engine=engine)
        clean["customer_id"] = customer_ids_of(engine, clean["customer_ref"], ref_to_customer)
        unknown = clean["customer_ref"].notna() & clean["customer_id"].isna()
        log.record(name, "unknown_customer_ref", "customer_id", int(unknown.sum()), "null")
        parts.append(clean.drop(columns=["customer_ref"]))
    orders = pd.concat(parts, ignore_index=True)
    if "delivery_days" in orders:
        orders["delivery_days"] = pd.to_numeric(orders["delivery_days"], errors="coerce").astype("Int64")
    extra = [c for c in ("delivery_days", "store_city") if c in orders]
    return orders[ORDER_COLUMNS + extra], counts


def _simple_source(data: Data, name: str, q: Quarantine, raw: dict) -> pd.DataFrame:
    cfg = company_sources()[name]
    raw[name] = data.frames[name]
    q.set_in(name, len(raw[name]))
    return raw[name].rename(columns={v: k for k, v in cfg.columns.items()})


def _feedback(data: Data, q: Quarantine, log: RuleLog, raw: dict, ref_to_customer: pd.Series) -> pd.DataFrame:
    fb = _simple_source(data, "feedback", q, raw)
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


def _ad_events(data: Data, q: Quarantine, log: RuleLog, raw: dict, ref_to_customer: pd.Series) -> pd.DataFrame:
    ad = _simple_source(data, "ad_events", q, raw)
    # issue 21: a logged-in unit cites its shop account (customer_ref); it maps to the one customer_id like orders
    ref = (ad["customer_ref"].astype("string").str.strip() if "customer_ref" in ad
           else pd.Series(pd.NA, index=ad.index, dtype="string"))
    ad["customer_ref"] = ref.where(ref.fillna("") != "")
    ad["customer_id"] = ad["customer_ref"].map(ref_to_customer).astype("string")
    unknown = ad["customer_ref"].notna() & ad["customer_id"].isna()
    log.record("ad_events", "unknown_customer_ref", "customer_id", int(unknown.sum()), "null")
    ad["date"] = parse_dates(ad["date"], column="date").values.dt.normalize()
    for c in ("impressions", "clicks", "conversions", "pre_conversions", "pre_impressions", "pre_clicks"):
        if c in ad:
            ad[c] = pd.to_numeric(ad[c], errors="coerce").astype("int64")
    for c in ("revenue", "cost", "pre_revenue"):
        if c in ad:
            ad[c] = pd.to_numeric(ad[c], errors="coerce").astype("float64")
    q.set_out("ad_events", len(ad))
    return ad


def _clean_company(config: Config, data: Data) -> Result:
    """Clean every raw source of the company world into the contract tables (see the module docstring)."""
    as_of_ts = pd.Timestamp(effective_as_of(config.as_of))
    log, q, raw = RuleLog.with_overrides(config.rule_actions), Quarantine(), {}
    records = _people(data, log, q, as_of_ts, raw)
    resolution = resolve(records, method=config.er_method, threshold=config.er_threshold, seed=config.seed,
                         name_block=config.er_name_block)
    ref_to_customer = customer_ids(resolution.clusters)
    records["customer_id"] = records["record_id"].map(ref_to_customer)
    records, imputed = impute_city(records, use_phone_area=config.impute_city_from_phone)
    golden, lineage = golden_records(records, resolve_rules(config.survivorship_default, config.survivorship_rules))
    customers = golden[["customer_id", "name", "email", "phone", "city", "signup_date", "acquisition_channel",
                        "source_ids", "gender", "birth_date", "address"]]
    items = _simple_source(data, "items", q, raw)
    items["price"] = pd.to_numeric(items["price"], errors="coerce")
    q.set_out("items", len(items))
    orders, order_counts = _orders(data, log, q, as_of_ts, raw, ref_to_customer, config.data_engine())
    feedback = _feedback(data, q, log, raw, ref_to_customer)
    ad_events = _ad_events(data, q, log, raw, ref_to_customer)
    service = {}
    for c in company_sources("service").values():
        raw[c.name] = data.frames[c.name]
        service[f"{c.kind}_contacts"] = clean_service_frame(raw[c.name], c, ref_to_customer, as_of=as_of_ts, log=log,
                                                            quarantine=q)
    campaigns = {}
    for c in company_sources("campaign").values():  # the past retention campaign that 09 learns from
        raw[c.name] = data.frames[c.name]
        q.set_in(c.name, len(raw[c.name]))
        kept, bad = clean_campaigns(raw[c.name], c.columns, ref_to_customer, date_order=c.date_order,
                                    utc_offset_hours=c.utc_offset_hours)
        q.add(c.name, bad)
        q.set_out(c.name, len(kept))
        campaigns["campaigns"] = kept
    tables = {"customers": customers, "orders": orders, "items": items[["item_id", "name", "category", "price"]],
              "feedback": feedback, "ad_events": ad_events, **service, **campaigns}
    tables = {k: contracts.validate(v, k) for k, v in tables.items()}
    lineage = contracts.validate(lineage, "lineage")
    return Result(config=config, tables=tables, lineage=lineage, records=records, raw=raw, log=log, quarantine=q,
                  order_counts=order_counts, imputed=imputed, resolution=resolution, input=data.inventory)
