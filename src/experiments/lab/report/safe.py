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

from experiments.common.masking import DOTTED_PHONE_RE as DOTTED_PHONE_RE
from experiments.common.masking import EMAIL_RE as EMAIL_RE
from experiments.common.masking import PERSONAL_COLUMN, visible_controls
from experiments.common.masking import PHONE_RE as PHONE_RE
from experiments.common.masking import mask_pii as mask_pii

#: Display length of one data-derived value; longer values end in an ellipsis.
MAX_CHARS = 120

# Markdown's backslash-escapable punctuation, less what html.escape turns into entities (<, >, &, quotes).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
# Integer columns whose name says they hold ids or phone numbers (masked by ``frame`` like text).
_ID_LIKE_NAME = re.compile(r"(?i:(?:^|[\W_])(?:id|ids|phone|mobile|tel|telephone|customer|user|member|account)"
                           r"(?:$|[\W_]))|[a-z](?:ID|Id)$")


def shorten(s: str, max_chars: int = MAX_CHARS) -> str:
    """Return ``s`` cut to ``max_chars`` characters with an ellipsis and the full length when it was longer."""
    return s if len(s) <= max_chars else f"{s[:max_chars]}… ({len(s):,} characters)"


def text(value: Any, max_chars: int = MAX_CHARS) -> str:
    """Return ``value`` masked, shortened and escaped for both HTML and Markdown (safe in either)."""
    if value is None or (not isinstance(value, str | list | dict) and pd.isna(value)):
        return "–"
    s = shorten(visible_controls(mask_pii(value)), max_chars)
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

    def clean(v: Any, personal: bool = False) -> Any:
        return shorten(visible_controls(mask_pii(v, personal)), max_chars) if isinstance(v, str) else v

    for col in out.columns:
        personal = isinstance(col, str) and bool(PERSONAL_COLUMN.search(col))
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v, personal=personal: clean(v, personal))
        elif pd.api.types.is_integer_dtype(out[col]) and isinstance(col, str) and _ID_LIKE_NAME.search(col):
            out[col] = out[col].map(lambda v, personal=personal: v if pd.isna(v) else mask_pii(v, personal))
    out.columns = [clean(c) if isinstance(c, str) else c for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(clean)
    return out
