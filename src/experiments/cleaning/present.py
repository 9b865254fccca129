"""Text and tables of the cleaning report (notebook 01): headline, reconciliation, rules, before/after,
missingness, merged examples, orders; personal data masked (``privacy``), data-derived text through ``safe``.

Each function takes the ``Result``; a section a flat table cannot have (no person records) says so in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import Markdown

from experiments.cleaning.orders import revenue_summary
from experiments.cleaning.privacy import mask
from experiments.cleaning.result import Result
from experiments.cleaning.sources import company_sources
from experiments.lab.report import safe

FIELDS = ["name", "phone", "email", "city", "gender", "birth_date"]


def before_after_examples(raw: dict[str, pd.DataFrame], records: pd.DataFrame, n: int = 2) -> pd.DataFrame:
    """A few records per customer source: the raw phone/email/date next to the standardised ones (masked)."""
    rows = []
    for src, cfg in company_sources("person").items():
        if src not in raw:
            continue
        r = raw[src].set_index(cfg.columns["record_id"])
        clean = records[records["source"] == src].set_index("record_id")
        for rid in clean.index[:n]:
            raw_phone = r.at[rid, cfg.columns["phone"]] if "phone" in cfg.columns else None
            raw_email = r.at[rid, cfg.columns["email"]] if "email" in cfg.columns else None
            rows.append({
                "source": src, "record_id": rid,
                "phone (raw)": _one(mask, raw_phone, "phone"),
                "phone (E.164)": _one(mask, clean.at[rid, "phone"], "phone"),
                "email (raw)": _one(mask, raw_email, "email"),
                "email (clean)": _one(mask, clean.at[rid, "email"], "email"),
                "registered (raw)": str(r.at[rid, cfg.columns["registered_at"]]),
                "registered (ISO)": _iso(clean.at[rid, "registered_at"])})
    return pd.DataFrame(rows)


def standardisation_examples(result: Result) -> pd.DataFrame:
    """The before/after table of section 4: person records of each customer source (company world) or the first
    order lines with their status (a flat table). Personal data masked; pass it through ``safe.frame`` to show."""
    if result.records is not None:
        return before_after_examples(result.raw, result.records)
    return result.tables["orders"].head(8)


def _one(fn, value, kind):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return fn(pd.Series([str(value).strip() if kind == "email" else str(value)]), kind).iloc[0]


def _iso(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def missingness_before_after(records: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Share missing per field: raw records (after standardisation) vs golden customers."""
    cols = [c for c in FIELDS if c in records and c in customers]
    return pd.DataFrame({"raw records": records[cols].isna().mean(), "golden customers": customers[cols].isna().mean()})


def merged_example(customers: pd.DataFrame, lineage: pd.DataFrame, records: pd.DataFrame) -> tuple[pd.DataFrame,
                                                                                                    pd.DataFrame]:
    """The customer merged from the most records: its raw records and the lineage of its golden fields, masked."""
    sizes = customers["source_ids"].str.count(r"\|")
    cid = customers.loc[sizes.idxmax(), "customer_id"]
    recs = records[records["customer_id"] == cid][["record_id", "source", "name", "phone", "email", "city",
                                                   "registered_at"]].copy()
    lin = lineage[lineage["customer_id"] == cid][["field", "value", "source", "record_id", "rule"]].copy()
    for kind in ("name", "phone", "email"):
        recs[kind] = mask(recs[kind], kind)
        sel = lin["field"] == kind
        lin.loc[sel, "value"] = mask(lin.loc[sel, "value"], kind)
    return recs.reset_index(drop=True), lin.reset_index(drop=True)


def headline(metrics: Mapping[str, object]) -> str:
    """Return the cleaning's headline in plain words (Markdown) from its metrics.json values.

    Example: "228,225 raw rows in: 227,661 cleaned, 564 quarantined (0.25%) ... 6,458 customer records are
    4,039 customers (2,419 duplicate records merged; pair F1 0.989 against the planted truth)".
    """
    rows_in, rows_q = int(metrics["rows_in"]), int(metrics["rows_quarantined"])
    share = f"{100 * rows_q / rows_in:.2f}%" if rows_in else "n/a"
    parts = [f"**{rows_in:,} raw rows in: {int(metrics['rows_out']):,} cleaned, {rows_q:,} quarantined ({share})**, "
             "every one with its reason."]
    if "n_customer_records" in metrics and "n_duplicate_records_merged" in metrics:
        parts.append(f"{int(metrics['n_customer_records']):,} customer records are "
                     f"**{int(metrics['n_customers']):,} customers** "
                     f"({int(metrics['n_duplicate_records_merged']):,} duplicate records merged")
        parts[-1] += (f"; pair F1 {float(metrics['er_f1']):.3f} against the planted truth)." if "er_f1" in metrics
                      else ").")
    else:
        parts.append(f"{int(metrics['n_customers']):,} customers.")
    parts.append(f"{int(metrics['n_orders']):,} orders: {int(metrics['n_cancellations']):,} cancelled lines, "
                 f"{int(metrics['n_returns']):,} returned lines, {int(metrics['n_duplicate_rows']):,} exact duplicate "
                 f"rows dropped, {int(metrics['n_missing_customer_id']):,} lines without a customer id "
                 f"({int(metrics['n_guest_orders']):,} guest orders, kept in revenue).")
    return " ".join(parts)


def answer(result: Result, truth: Mapping[str, Any] | None = None) -> Markdown:
    """The headline of ``result`` (with the planted-truth F1 of ``truth`` when given), safe Markdown."""
    return safe.md(headline(result.metrics() | dict(truth or {})))


def reconciliation(result: Result) -> pd.DataFrame:
    """Rows in, out and quarantined per source (checked to balance: rows in = rows out + rows quarantined)."""
    result.quarantine.assert_balanced()
    return safe.frame(result.quarantine.reconciliation())


def quarantine_reasons(result: Result) -> pd.DataFrame:
    """Quarantined rows per source and reason."""
    return safe.frame(result.quarantine.reasons())


def rules_fired(result: Result) -> pd.DataFrame:
    """The rules that fired, with their action and rows affected."""
    fired = result.log.table()
    return safe.frame(fired[fired["n_rows"] > 0].reset_index(drop=True))


def before_after(result: Result) -> pd.DataFrame:
    """Section 4's before/after table, masked and safe."""
    return safe.frame(standardisation_examples(result))


def filled(result: Result) -> list[pd.DataFrame | Markdown]:
    """Section 4 on the company world: what was filled and how, then the share missing per person field in the raw
    records vs the golden customers (%); a flat table has no personal fields to fill (one sentence)."""
    if not result.has_people:
        return [Markdown("A flat table carries no personal fields to fill.")]
    mb = missingness_before_after(result.records, result.tables["customers"])
    return [safe.frame(result.imputed), (mb * 100).round(1).rename(columns=lambda c: c + " (% missing)")]


def missingness(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Share of missing values per (table, column)."""
    rows = [{"table": t, "column": c, "missing_share": float(df[c].isna().mean()) if len(df) else 0.0}
            for t, df in tables.items() for c in df.columns]
    return pd.DataFrame(rows)


def missing_columns(result: Result) -> pd.DataFrame:
    """Columns of the contract tables with missing values and their share missing (%)."""
    miss = missingness(result.tables)
    return safe.frame(miss[miss["missing_share"] > 0].assign(missing_share=lambda d: (d["missing_share"] * 100)
                                                              .round(2))
                      .rename(columns={"missing_share": "missing (%)"}).reset_index(drop=True))


def merge_summary(result: Result) -> Markdown:
    """Customer records -> customers (company world), or why a flat table has nothing to merge."""
    m = result.metrics()
    if not result.has_people:
        return Markdown(f"{m['n_customers']:,} customer ids; a flat table carries no personal data to merge on")
    return Markdown(f"{m['n_customer_records']:,} customer records -> {m['n_customers']:,} customers "
                    f"({m['n_duplicate_records_merged']:,} duplicates merged)")


def merged_records(result: Result) -> list[pd.DataFrame]:
    """The customer merged from the most records: its raw records and the lineage of its fields (masked, safe);
    an empty list for a flat table."""
    if not result.has_people:
        return []
    recs, lin = merged_example(result.tables["customers"], result.lineage, result.records)
    return [safe.frame(recs), safe.frame(lin)]


def er_scores(table: pd.DataFrame | None) -> pd.DataFrame | Markdown:
    """The planted-truth comparison table of ``evaluation.planted_scores`` (rounded), or why there is none."""
    if table is None:
        return Markdown("No planted truth to score against (a flat table or a real export).")
    return table.round(4)


def orders_by_status(result: Result) -> pd.DataFrame:
    """Order lines per channel and status."""
    return result.tables["orders"].groupby(["channel", "status"]).size().unstack(fill_value=0)


def revenue(result: Result) -> pd.DataFrame:
    """Revenue per channel and status."""
    return revenue_summary(result.tables["orders"])


def order_counts(result: Result) -> dict[str, Any]:
    """The order counts of metrics.json shown in section 7."""
    m = result.metrics()
    return {k: m[k] for k in ("n_orders", "n_cancellations", "n_returns", "n_duplicate_rows",
                              "n_missing_customer_id", "n_guest_orders")}


def published(result: Result, version: Path) -> Markdown:
    """What ``result.publish()`` wrote and where."""
    return Markdown(f"{len(result.tables)} contract tables and {len(result.quarantine.frames)} quarantine files "
                    f"published to {safe.text(result.folder.name)}/ (version {safe.text(version.name)})")
