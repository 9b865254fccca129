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

# An email: starts only where a run of local-part characters starts (the lookbehind keeps the scan linear on long
# texts: without it a 200,000-letter value took minutes), local part up to 64 characters as RFC 5321 allows.
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
                      r"\.[A-Za-z]{2,24}")
# A phone number: optional +country, then 7 to 15 digits, possibly split by spaces, dashes or brackets.
# ASCII boundaries: Chinese text runs straight into a number ("电话13800138000"), and \w would count 电 as a letter.
PHONE_RE = re.compile(r"(?<![A-Za-z0-9_.,])(?:\+|00)?\(?\d(?:[ ()-]*\d){6,14}(?![A-Za-z0-9_.,])")
# A phone number written with dots (212.555.0143, 138.0013.8000): three or four groups of 2 to 4 digits.
DOTTED_PHONE_RE = re.compile(r"(?<![\w.,])(?:\+\d{1,3}[ .])?\d{2,4}(?:\.\d{2,4}){2,3}(?![\w,]|\.\d)")
# Integer columns whose name says they hold ids or phone numbers (masked by ``frame`` like text).
_ID_LIKE_NAME = re.compile(r"(?i:(?:^|[\W_])(?:id|ids|phone|mobile|tel|telephone|customer|user|member|account)"
                           r"(?:$|[\W_]))|[a-z](?:ID|Id)$")
_DATE_START = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}|^\d{1,2}-\d{1,2}-\d{2,4}|^\d{4}\.\d{1,2}\.\d{1,2}$"
                         r"|^\d{1,2}\.\d{1,2}\.\d{4}$")
# Markdown's backslash-escapable punctuation, less what html.escape turns into entities (<, >, &, quotes).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


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

    A phone number is a run of 7 to 15 digits, optionally with ``+``, spaces, dashes or brackets (dates excepted),
    or three or four dot-separated groups of 2 to 4 digits: long plain numbers such as order ids of 7+ digits are
    masked too, which errs on the side of privacy.
    """
    s = "" if value is None else str(value)
    s = EMAIL_RE.sub(_mask_email, s)
    return DOTTED_PHONE_RE.sub(_mask_phone, PHONE_RE.sub(_mask_phone, s))


def shorten(s: str, max_chars: int = MAX_CHARS) -> str:
    """Return ``s`` cut to ``max_chars`` characters with an ellipsis and the full length when it was longer."""
    return s if len(s) <= max_chars else f"{s[:max_chars]}… ({len(s):,} characters)"


def text(value: Any, max_chars: int = MAX_CHARS) -> str:
    """Return ``value`` masked, shortened and escaped for both HTML and Markdown (safe in either)."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return "–"
    s = shorten(mask_pii(value), max_chars)
    # Markdown first, then HTML: the other order would break the entities (&#x27; into &\#x27;, shown verbatim).
    s = _MD_SPECIAL.sub(r"\\\1", s)
    # ':' as an entity in '://' keeps Markdown from turning a URL in data into a live link (it still reads '://').
    return html.escape(s, quote=True).replace("://", "&#58;//")


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

    Numbers and dates are untouched, except integer columns whose name says they hold ids or phone numbers
    (``customer_id``, ``CustomerID``, ``phone``, ``user id``): a phone number used as an id is masked there too.
    pandas escapes HTML when it renders the frame, so no HTML escaping is done here (it would show as ``&lt;``).
    """
    out = df.copy()

    def clean(v: Any) -> Any:
        return shorten(mask_pii(v), max_chars) if isinstance(v, str) else v

    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(clean)
        elif pd.api.types.is_integer_dtype(out[col]) and isinstance(col, str) and _ID_LIKE_NAME.search(col):
            out[col] = out[col].map(lambda v: v if pd.isna(v) else mask_pii(v))
    out.columns = [clean(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(clean)
    return out
