"""Masking of personal data for reports: names, emails and phones are shown only as much as a reader needs.

- name: first character kept, the rest replaced by ``*`` (``张三丰`` -> ``张**``, ``John Smith`` -> ``J*** S****``);
- email: first character of the user and the domain kept (``li.na@example.com`` -> ``l****@example.com``);
- phone: country code and last two digits kept (``+8613800138000`` -> ``+86*********00``).
Missing values stay missing. ``mask_frame`` masks the personal columns of a table that are present.
"""

from __future__ import annotations

import re

import pandas as pd

PERSONAL = {"name": "name", "email": "email", "phone": "phone", "address": "address"}


def _mask_name(v: str) -> str:
    return " ".join(w[:1] + "*" * (len(w) - 1) for w in v.split(" "))


def _mask_email(v: str) -> str:
    user, _, domain = v.partition("@")
    return (user[:1] + "****@" + domain) if domain else "****"


def _mask_phone(v: str) -> str:
    m = re.match(r"^(\+1|\+\d{2})(\d+)$", v)
    if not m:
        return "*" * max(len(v) - 2, 0) + v[-2:]
    head, rest = m.groups()
    return head + "*" * (len(rest) - 2) + rest[-2:]


def _mask_address(v: str) -> str:
    return v[:2] + "***"


_MASKERS = {"name": _mask_name, "email": _mask_email, "phone": _mask_phone, "address": _mask_address}


def mask(values: pd.Series, kind: str) -> pd.Series:
    """Mask a series of ``kind`` (name, email, phone, address)."""
    fn = _MASKERS[kind]
    s = pd.Series(values).astype("string")
    return s.map(lambda v: fn(str(v)) if not pd.isna(v) else v).astype("string")


def mask_frame(df: pd.DataFrame, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Return a copy with the personal columns masked (``columns``: column -> kind; default by column name)."""
    out = df.copy()
    for col, kind in (columns or {c: PERSONAL[c] for c in df.columns if c in PERSONAL}).items():
        out[col] = mask(out[col], kind)
    return out
