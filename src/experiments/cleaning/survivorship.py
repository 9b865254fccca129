"""Survivorship: which record's value becomes the golden value of each field of a merged person, and the lineage.

Rules (chosen per field by parameters, as customer-data platforms let a data steward do):
- ``most_recent``: the value of the most recently registered record that has one;
- ``most_complete``: the value of the record with the most non-missing fields;
- ``most_trusted``: the value of the record from the most trusted source (``SourceConfig.trust``: CRM > shop >
  WeChat > POS by default);
- ``earliest``: the earliest value (used for ``signup_date``: a person signed up when their first record was made).
Ties are broken by the next rule in the order most_trusted, most_recent, record id, so the result is deterministic.
Every golden value is written to the lineage table with the record and source that supplied it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

RULES = ("most_recent", "most_complete", "most_trusted", "earliest")
FIELDS = ("name", "email", "phone", "city", "gender", "birth_date", "address")
DEFAULT_RULES: dict[str, str] = {"name": "most_trusted", "email": "most_recent", "phone": "most_recent",
                                 "city": "most_recent", "gender": "most_complete", "birth_date": "most_trusted",
                                 "address": "most_recent", "signup_date": "earliest"}


def resolve_rules(default: str = "", per_field: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the rule per field: ``DEFAULT_RULES``, every field set to ``default`` when given, then ``per_field``."""
    rules = dict(DEFAULT_RULES)
    if default:
        if default not in RULES:
            raise ValueError(f"survivorship rule must be one of {RULES}, got {default!r}")
        rules.update({f: default for f in FIELDS})
    for f, rule in (per_field or {}).items():
        if f not in rules:
            raise ValueError(f"unknown survivorship field {f!r}; expected one of {sorted(rules)}")
        if rule not in RULES:
            raise ValueError(f"survivorship rule for {f!r} must be one of {RULES}, got {rule!r}")
        rules[f] = rule
    return rules


def _order_for(rule: str, df: pd.DataFrame) -> tuple[list[str], list[bool]]:
    if rule == "most_recent":
        return ["registered_at", "trust", "record_id"], [False, False, True]
    if rule == "most_complete":
        return ["completeness", "trust", "registered_at", "record_id"], [False, False, False, True]
    if rule == "earliest":
        return ["registered_at", "record_id"], [True, True]
    return ["trust", "registered_at", "record_id"], [False, False, True]


def golden_records(records: pd.DataFrame, rules: Mapping[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge records (with ``customer_id``) into one row per customer; return (golden table, lineage table).

    The golden table has ``customer_id``, each field of ``FIELDS``, ``signup_date`` (per its rule, on
    ``registered_at``), ``acquisition_channel`` (the source of the record that gave ``signup_date``) and
    ``source_ids`` (sorted, ``|``-joined). Lineage rows: customer_id, field, value, source, record_id, rule.
    """
    df = records.copy()
    df["completeness"] = df[list(FIELDS)].notna().sum(axis=1)
    df["registered_at"] = pd.to_datetime(df["registered_at"])
    golden = pd.DataFrame(index=pd.Index(sorted(df["customer_id"].unique()), name="customer_id"))
    lineage = []
    for field in (*FIELDS, "signup_date"):
        rule = rules[field]
        column = "registered_at" if field == "signup_date" else field
        have = df[df[column].notna()]
        by, asc = _order_for(rule, have)
        winners = have.sort_values(by, ascending=asc, na_position="last").drop_duplicates("customer_id")
        winners = winners.set_index("customer_id")
        golden[field] = winners[column].reindex(golden.index)
        if field == "signup_date":
            golden["acquisition_channel"] = winners["source"].reindex(golden.index)
        lineage.append(pd.DataFrame({"customer_id": winners.index, "field": field,
                                     "value": winners[column].astype("string").to_numpy(),
                                     "source": winners["source"].to_numpy(),
                                     "record_id": winners["record_id"].to_numpy(),
                                     "rule": rule}))
    golden["source_ids"] = df.sort_values("record_id").groupby("customer_id")["record_id"].agg("|".join)
    golden["signup_date"] = pd.to_datetime(golden["signup_date"]).dt.normalize()
    return golden.reset_index(), pd.concat(lineage, ignore_index=True)
