"""Masked views of personal data in the cleaning report: shown only as much as a reader needs.

Emails and phone numbers follow the lab's one rule, ``experiments.common.masking.mask_pii`` (a phone column with
``personal=True``: ``+8613800138000`` -> ``+86*********00``, ``13800138000`` -> ``13*******00``; ``li.na@example.com``
-> ``l****@example.com``). Names and addresses have no twin there and keep their own rule here:

- name: first character of each word kept, the rest replaced by ``*`` (``张三丰`` -> ``张**``, ``John Smith`` ->
  ``J*** S****``);
- address: the first two characters kept (``北京市朝阳区`` -> ``北京***``).
Missing values stay missing. ``mask_frame`` masks the personal columns of a table that are present.
"""

from __future__ import annotations

import pandas as pd

from experiments.common.masking import mask_pii

PERSONAL = {"name": "name", "email": "email", "phone": "phone", "address": "address"}


def _mask_name(v: str) -> str:
    return " ".join(w[:1] + "*" * (len(w) - 1) for w in v.split(" "))


def _mask_address(v: str) -> str:
    return v[:2] + "***"


_MASKERS = {"name": _mask_name, "email": mask_pii, "phone": lambda v: mask_pii(v, personal=True),
            "address": _mask_address}


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
