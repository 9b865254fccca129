"""The retention campaign (catalog kind ``campaign``) into the processed ``campaigns`` table plus its quarantine.

One row per customer sent: ``send_id``, ``customer_id`` (the raw ``customer_ref`` mapped through the same raw
record id -> customer_id map the orders use), ``customer_ref``, ``arm``, ``sent_at`` (UTC), ``cost`` and
``spend_30d``. Rows that cannot be used are quarantined with a reason, never repaired (the first that applies):
a repeated ``send_id`` (the first copy is kept), an unknown customer reference, an empty arm, an unparsable send
time, a cost or a 30-day spend that is not a number >= 0, or a customer sent twice (the first send is kept).
"""

from __future__ import annotations

import pandas as pd

from experiments.common.dates import parse_dates

COLUMNS = ["send_id", "customer_id", "customer_ref", "arm", "sent_at", "cost", "spend_30d"]
REASONS = ("duplicate_send", "unknown_customer", "missing_arm", "bad_sent_at", "bad_cost", "bad_spend",
           "customer_sent_twice")


def ref_map(customers: pd.DataFrame) -> pd.Series:
    """Raw record id -> customer_id from the cleaned customers' ``source_ids`` (``a|b|c``)."""
    ids = customers[["customer_id", "source_ids"]].assign(ref=customers["source_ids"].astype(str).str.split("|"))
    ids = ids.explode("ref")
    return ids.drop_duplicates("ref").set_index("ref")["customer_id"].astype(str)


def clean_campaigns(raw: pd.DataFrame, columns: dict[str, str], ref_to_customer: pd.Series, *,
                    date_order: str = "dmy", utc_offset_hours: float = 8.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return ``(table, quarantine)``: the kept rows in ``COLUMNS`` and the raw rows set aside with ``reason``.

    ``columns`` maps the roles of ``COLUMNS`` (minus ``customer_id``) onto the raw file's columns (the catalog's).
    """
    df = pd.DataFrame({k: raw[c] for k, c in columns.items()}, index=raw.index)
    out = pd.DataFrame(index=df.index)
    out["send_id"] = df["send_id"].astype("string").str.strip()
    out["customer_ref"] = df["customer_ref"].astype("string").str.strip()
    out["customer_id"] = out["customer_ref"].map(ref_to_customer).astype("string")
    out["arm"] = df["arm"].astype("string").str.strip().str.lower()
    parsed = parse_dates(df["sent_at"].astype("string"), order=date_order, utc_offset_hours=utc_offset_hours,
                         column="sent_at")
    out["sent_at"] = parsed.values.dt.tz_localize("UTC")
    out["cost"] = pd.to_numeric(df["cost"], errors="coerce")
    out["spend_30d"] = pd.to_numeric(df["spend_30d"], errors="coerce")
    checks = {
        "duplicate_send": out["send_id"].duplicated(keep="first"),
        "unknown_customer": out["customer_id"].isna(),
        "missing_arm": out["arm"].fillna("").eq(""),
        "bad_sent_at": out["sent_at"].isna(),
        "bad_cost": ~(out["cost"] >= 0),
        "bad_spend": ~(out["spend_30d"] >= 0),
    }
    reason = pd.Series(pd.NA, index=df.index, dtype="string")
    for name, mask in checks.items():
        reason = reason.mask(reason.isna() & mask.fillna(True).astype(bool), name)
    twice = reason.isna() & out["customer_id"].where(reason.isna()).duplicated(keep="first") & reason.isna()
    reason = reason.mask(twice & out["customer_id"].notna(), "customer_sent_twice")
    kept = out[reason.isna()][COLUMNS].reset_index(drop=True)
    quarantine = raw[reason.notna()].assign(reason=reason[reason.notna()].to_numpy()).reset_index(drop=True)
    return kept, quarantine
