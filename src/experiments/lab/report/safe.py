"""The one way to put data-derived text into a report: masked, shortened and escaped.

Anything that comes from data (variant labels, column names, customer text, ids, values) goes through here before
it reaches Markdown or HTML output:

- ``text(value)``: emails and phone numbers masked, very long values shortened (the full value stays in the data),
  HTML and Markdown metacharacters escaped, so ``<script>`` shows as text and ``*bold*`` does not format;
- ``md(template, **values)``: a ``Markdown`` object from a template whose ``{placeholders}`` are filled with
  ``text(value)`` (the template itself is trusted, the values are not);
- ``frame(df)``: a copy of a table for display with every text cell, column name and index label masked and
  shortened (pandas escapes HTML when it renders a frame);
- ``mask_pii(s)``: only the masking, for text that is escaped elsewhere.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

#: Display length of one data-derived value; longer values end in an ellipsis.
MAX_CHARS = 120

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A phone number: optional +country, then 7 to 15 digits, possibly split by spaces, dashes or brackets.
PHONE_RE = re.compile(r"(?<![\w.,])(?:\+|00)?\(?\d(?:[ ()-]*\d){6,14}(?![\w.,])")
_DATE_START = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}|^\d{1,2}-\d{1,2}-\d{2,4}")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def _mask_email(match: re.Match[str]) -> str:
    user, _, domain = match.group(0).partition("@")
    return user[:1] + "****@" + domain


def _mask_phone(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 7 or _DATE_START.match(raw):
        return raw
    head = "+" if raw.startswith("+") else ""
    return head + digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def mask_pii(value: Any) -> str:
    """Return ``value`` as text with every email (``l****@example.com``) and phone number (``+86*******00``) masked.

    A phone number is a run of 7 to 15 digits, optionally with ``+``, spaces, dashes or brackets (dates excepted):
    long plain numbers such as order ids of 7+ digits are masked too, which errs on the side of privacy.
    """
    s = "" if value is None else str(value)
    return PHONE_RE.sub(_mask_phone, EMAIL_RE.sub(_mask_email, s))


def shorten(s: str, max_chars: int = MAX_CHARS) -> str:
    """Return ``s`` cut to ``max_chars`` characters with an ellipsis and the full length when it was longer."""
    return s if len(s) <= max_chars else f"{s[:max_chars]}… ({len(s):,} characters)"


def text(value: Any, max_chars: int = MAX_CHARS) -> str:
    """Return ``value`` masked, shortened and escaped for both HTML and Markdown (safe in either)."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return "–"
    s = shorten(mask_pii(value), max_chars)
    s = html.escape(s, quote=True)
    return _MD_SPECIAL.sub(r"\\\1", s)


def md(template: str, **values: Any):
    """Return an IPython ``Markdown`` of ``template`` with each ``{name}`` filled by ``text(values[name])``.

    Numbers pass through ``format`` specs (``{lift:.1%}``) untouched; strings are escaped.
    """
    from IPython.display import Markdown

    safe = {k: (v if isinstance(v, int | float) and not isinstance(v, bool) else _SafeStr(text(v)))
            for k, v in values.items()}
    return Markdown(template.format(**safe))


class _SafeStr(str):
    """An escaped string that ignores format specs meant for numbers."""

    def __format__(self, spec: str) -> str:
        return str(self)


def frame(df: pd.DataFrame, max_chars: int = MAX_CHARS) -> pd.DataFrame:
    """Return a display copy of ``df``: text cells, column names and index labels masked and shortened.

    Numbers and dates are untouched. pandas escapes HTML when it renders the frame, so no HTML escaping is done
    here (it would show as ``&lt;``).
    """
    out = df.copy()

    def clean(v: Any) -> Any:
        return shorten(mask_pii(v), max_chars) if isinstance(v, str) else v

    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(clean)
    out.columns = [clean(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(clean)
    return out
