"""The service log (catalog kind ``service``) into the ``service_contacts`` contract table.

One row per conversation, keyed by ``customer_id`` (nullable: anonymous posts and calls), with times in UTC. The
raw times are local time at the source's ``utc_offset_hours`` (Beijing, UTC+8 for the company). The customer
reference is mapped through the same raw-record-id -> customer_id map the orders use. Rows that cannot be true are
quarantined with a reason, never repaired: no opening time, an opening after ``as_of``, a first reply or a
resolution before the opening, a satisfaction score outside 1-5, bot counts that are not whole numbers >= 0.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.cleaning.quarantine import Quarantine
from experiments.cleaning.rules import RuleLog
from experiments.cleaning.sources import SourceConfig, read_source
from experiments.common.dates import parse_dates

COLUMNS = ["conversation_id", "customer_id", "channel", "opened_at", "first_reply_at", "resolved_at", "handled_by",
           "bot_turns", "bot_failures", "bot_max_fail_run", "bot_seconds", "handed_to_agent", "resolved",
           "satisfaction", "topic", "text", "customer_ref"]
BOT_COUNTS = ("bot_turns", "bot_failures", "bot_max_fail_run", "bot_seconds")
YES = {"yes", "y", "true", "1", "是"}
NO = {"no", "n", "false", "0", "否", ""}
#: The quarantine reasons, in the order they are checked (a row gets the first that applies).
REASONS = ("missing_opened_at", "opened_after_as_of", "reply_before_open", "resolved_before_open",
           "satisfaction_out_of_range", "bad_bot_counts", "bad_yes_no")


def _utc(values: pd.Series, cfg: SourceConfig, column: str) -> tuple[pd.Series, pd.Series]:
    """Parse local timestamps to tz-aware UTC; also return the mask of present but unparsable values."""
    parsed = parse_dates(values, order=cfg.date_order, utc_offset_hours=cfg.utc_offset_hours, column=column)
    return parsed.values.dt.tz_localize("UTC"), parsed.unparsable.fillna(False).astype(bool)


def _flag(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """yes/no text -> bool; also the mask of values that are neither."""
    s = values.astype("string").str.strip().str.lower().fillna("")
    return s.isin(YES), ~(s.isin(YES) | s.isin(NO))


def standardise_service(raw: pd.DataFrame, cfg: SourceConfig, ref_to_customer: pd.Series, *,
                        as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.Series]:
    """Return ``(table, reason)``: every raw row standardised, and per row its quarantine reason (NA when kept).

    ``ref_to_customer`` maps raw record ids to customer ids (an unknown reference leaves ``customer_id`` empty).
    ``as_of`` is the data's today (an opening after its end is impossible).
    """
    df = pd.DataFrame({k: raw[c] for k, c in cfg.columns.items()}, index=raw.index)
    out = pd.DataFrame(index=df.index)
    out["conversation_id"] = df["conversation_id"].astype("string").str.strip()
    out["channel"] = df["channel"].astype("string").str.strip().str.lower()
    ref = df["customer_ref"].astype("string").str.strip()
    out["customer_ref"] = ref.where(ref.fillna("") != "")
    out["customer_id"] = out["customer_ref"].map(ref_to_customer).astype("string")
    bad_time = pd.Series(False, index=df.index)
    for col in ("opened_at", "first_reply_at", "resolved_at"):
        out[col], unparsable = _utc(df[col], cfg, col)
        bad_time |= unparsable
    out["handled_by"] = df["handled_by"].astype("string").str.strip().str.lower()
    bad_count = pd.Series(False, index=df.index)
    for col in BOT_COUNTS:
        text = df[col].astype("string").str.strip()
        num = pd.to_numeric(text.where(text.fillna("") != "", "0"), errors="coerce")
        bad = num.isna() | (num < 0) | (num % 1 != 0)
        bad_count |= bad
        out[col] = num.where(~bad, 0).astype("int64")
    out["handed_to_agent"], bad_h = _flag(df["handed_to_agent"])
    out["resolved"], bad_r = _flag(df["resolved"])
    sat_text = df["satisfaction"].astype("string").str.strip()
    sat = pd.to_numeric(sat_text.where(sat_text.fillna("") != ""), errors="coerce")
    out["satisfaction"] = sat.where(sat.between(1, 5) & (sat % 1 == 0)).astype("Int64")
    out["topic"] = df["topic"].astype("string").str.strip().str.lower()
    out["text"] = df["text"].astype("string").fillna("")
    end_of_day = pd.Timestamp(as_of).tz_localize("UTC") + pd.Timedelta(days=1)
    checks = {
        "missing_opened_at": out["opened_at"].isna(),
        "opened_after_as_of": out["opened_at"] >= end_of_day,
        "reply_before_open": out["first_reply_at"] < out["opened_at"],
        "resolved_before_open": out["resolved_at"] < out["opened_at"],
        "satisfaction_out_of_range": sat_text.fillna("").ne("") & out["satisfaction"].isna(),
        "bad_bot_counts": bad_count | bad_time,
        "bad_yes_no": bad_h | bad_r,
    }
    reason = pd.Series(pd.NA, index=df.index, dtype="string")
    for name in REASONS:
        reason = reason.mask(reason.isna() & checks[name].fillna(False).astype(bool), name)
    return out[COLUMNS], reason


def clean_service(raw_dir: Path, cfg: SourceConfig, ref_to_customer: pd.Series, *, as_of: pd.Timestamp,
                  log: RuleLog, quarantine: Quarantine, raw: dict) -> pd.DataFrame:
    """Read the service source of ``raw_dir``, standardise it, quarantine impossible rows with their reason and
    return the ``service_contacts`` table (rows in = rows out + rows quarantined, recorded in ``quarantine``)."""
    raw[cfg.name] = frame = read_source(raw_dir, cfg)
    return clean_service_frame(frame, cfg, ref_to_customer, as_of=as_of, log=log, quarantine=quarantine)


def clean_service_frame(frame: pd.DataFrame, cfg: SourceConfig, ref_to_customer: pd.Series, *, as_of: pd.Timestamp,
                        log: RuleLog, quarantine: Quarantine) -> pd.DataFrame:
    """``clean_service`` on a frame already read (``experiments.cleaning.sources.load``)."""
    quarantine.set_in(cfg.name, len(frame))
    table, reason = standardise_service(frame, cfg, ref_to_customer, as_of=as_of)
    for name in REASONS:
        mask = (reason == name).fillna(False).to_numpy()
        log.record(cfg.name, name, "service row", int(mask.sum()), "quarantine")
    bad = reason.notna().to_numpy()
    quarantine.add(cfg.name, frame[bad].assign(reason=reason[bad].to_numpy()))
    unknown = table["customer_ref"].notna() & table["customer_id"].isna()
    log.record(cfg.name, "unknown_customer_ref", "customer_id", int(unknown.sum()), "null")
    kept = table[~bad].sort_values(["opened_at", "conversation_id"], kind="stable").reset_index(drop=True)
    quarantine.set_out(cfg.name, len(kept))
    return kept


__all__ = ["COLUMNS", "REASONS", "clean_service", "clean_service_frame", "standardise_service"]
