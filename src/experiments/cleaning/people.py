"""Customer records of every channel standardised into one person-record table, with the rules applied.

Each record keeps its raw id and source; phones become E.164, emails lower-case and valid, names trimmed, dates
parsed (per-source date order and time zone) and impossible values handled by the rules of ``rules.py``. A record
whose id is missing or repeated cannot be linked or traced and goes to quarantine; every other record is kept, even
with nulled fields, because the same person's other records may fill them (see ``impute`` and ``survivorship``).
"""

from __future__ import annotations

import pandas as pd

from experiments.cleaning.quarantine import Quarantine
from experiments.cleaning.rules import RuleLog, age_masks, apply_rule, future_mask
from experiments.cleaning.sources import SourceConfig, to_person_layout
from experiments.cleaning.standardise import (
    standardise_emails,
    standardise_gender,
    standardise_names,
    standardise_phones,
    standardise_text,
)
from experiments.common.dates import parse_dates


def standardise_person_source(raw: pd.DataFrame, cfg: SourceConfig, *, as_of: pd.Timestamp, log: RuleLog,
                              quarantine: Quarantine, default_region: str = "CN") -> pd.DataFrame:
    """Return one source's records in the person layout, standardised; quarantined rows are recorded in ``quarantine``.

    Dates: ``birth_date`` and ``registered_at`` are parsed to calendar dates in the source's local time;
    ``birth_year`` becomes a Jan-1 ``birth_date`` when no birth date exists.
    """
    src = cfg.name
    quarantine.set_in(src, len(raw))
    df = to_person_layout(raw, cfg)
    bad_id = df["record_id"].isna() | (df["record_id"] == "")
    dup_id = df["record_id"].duplicated(keep="first") & ~bad_id
    for mask, rule in ((bad_id, "missing_record_id"), (dup_id, "duplicate_record_id")):
        log.record(src, rule, "record_id", int(mask.sum()), "quarantine")
        if mask.any():
            quarantine.add(src, raw[mask].assign(reason=rule))
    df = df[~(bad_id | dup_id)].copy()

    df["name"] = standardise_names(df["name"])
    df["phone"], bad_phone = standardise_phones(df["phone"], default_region)
    df, _ = apply_rule(df, bad_phone, rule="invalid_phone", column="phone", source=src, log=log)
    df["email"], bad_email = standardise_emails(df["email"])
    df, _ = apply_rule(df, bad_email, rule="invalid_email", column="email", source=src, log=log)
    df["city"] = standardise_text(df["city"])
    df["address"] = standardise_text(df["address"])
    df["gender"] = standardise_gender(df["gender"])

    # registration and birth are calendar dates in the source's local time (naive values are local; ISO values
    # with an offset and epoch milliseconds are shifted to it), so 00:30 in Beijing stays on its own day
    reg = parse_dates(df["registered_at"], order=cfg.date_order, column=cfg.columns.get("registered_at",
                                                                                          "registered_at"))
    birth = parse_dates(df["birth_date"], order=cfg.date_order, column=cfg.columns.get("birth_date", "birth_date"))
    df["registered_at"] = reg.local_dates(cfg.utc_offset_hours)
    df["birth_date"] = birth.values.dt.normalize()
    df, _ = apply_rule(df, reg.unparsable | birth.unparsable, rule="unparsable_date", column="registered_at",
                       source=src, log=log)
    year = pd.to_numeric(df["birth_year"], errors="coerce")
    from_year = df["birth_date"].isna() & year.between(1000, 9999)
    df.loc[from_year, "birth_date"] = pd.to_datetime(year[from_year].astype(int).astype(str) + "-01-01")
    df["birth_date"] = pd.to_datetime(df["birth_date"])
    negative, implausible = age_masks(df["birth_date"], as_of)
    from_year_neg = negative & from_year
    df, _ = apply_rule(df, negative & ~from_year, rule="future_birth_date", column="birth_date", source=src, log=log)
    df, _ = apply_rule(df, from_year_neg, rule="negative_age", column="birth_date", source=src, log=log)
    df, _ = apply_rule(df, implausible, rule="implausible_age", column="birth_date", source=src, log=log)
    df, _ = apply_rule(df, future_mask(df["registered_at"], as_of), rule="future_signup", column="registered_at",
                       source=src, log=log)
    df["birth_date"] = pd.to_datetime(df["birth_date"])
    df["registered_at"] = pd.to_datetime(df["registered_at"])
    df["trust"] = cfg.trust
    quarantine.set_out(src, len(df))
    return df.drop(columns=["birth_year"])
