"""Tables for the data-quality section of the report (before/after, missingness, merged examples), masked."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from experiments.cleaning.privacy import mask
from experiments.cleaning.sources import company_sources
from experiments.lab.report.safe import mask_pii

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
                "phone (raw)": _mask_raw(raw_phone),
                "phone (E.164)": _one(mask, clean.at[rid, "phone"], "phone"),
                "email (raw)": _one(mask, raw_email, "email"),
                "email (clean)": _one(mask, clean.at[rid, "email"], "email"),
                "registered (raw)": str(r.at[rid, cfg.columns["registered_at"]]),
                "registered (ISO)": _iso(clean.at[rid, "registered_at"])})
    return pd.DataFrame(rows)


def standardisation_examples(result) -> pd.DataFrame:
    """The before/after table of section 4: person records of each customer source (company world) or the first
    order lines with their status (a flat table). Personal data masked; pass it through ``safe.frame`` to show."""
    if result.records is not None:
        return before_after_examples(result.raw, result.records)
    return result.tables["orders"].head(8)


def _one(fn, value, kind):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return fn(pd.Series([str(value).strip() if kind == "email" else str(value)]), kind).iloc[0]


def _mask_raw(value) -> str:
    """Mask a raw phone field: every email or phone number in it, then any run of digits but the last two (a raw
    field can hold anything, e.g. an email typed into the phone box)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    s = mask_pii(str(value))
    return s[:4] + "".join("*" if c.isdigit() else c for c in s[4:-2]) + s[-2:] if "@" not in s else s


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
