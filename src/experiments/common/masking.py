"""The one masking rule of the lab: emails and phone numbers in any text, before it reaches a report or a file.

``mask_pii`` is used by report text (``lab.report.safe``), the cleaning's masked views and every analysis; there is
no second rule.
"""

from __future__ import annotations

import re
from typing import Any

# An email: starts only where a run of local-part characters starts (the lookbehind keeps the scan linear on long
# texts: without it a 200,000-letter value took minutes), local part up to 64 characters as RFC 5321 allows.
EMAIL_RE = re.compile(r"(?<![A-Za-z0-9._%+'-])[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
                      r"\.[A-Za-z]{2,24}")
# A phone number: optional +country, then 7 to 15 digits, possibly split by spaces, dashes or brackets.
# ASCII boundaries: Chinese text runs straight into a number ("电话13800138000"), and \w would count 电 as a letter.
PHONE_RE = re.compile(r"(?<![A-Za-z0-9_.,])(?:\+|00)?\(?\d(?:[ ()-]*\d){6,14}(?![A-Za-z0-9_.,])")
# A phone number written with dots (212.555.0143, 138.0013.8000): three or four groups of 2 to 4 digits.
DOTTED_PHONE_RE = re.compile(r"(?<![\w.,])(?:\+\d{1,3}[ .])?\d{2,4}(?:\.\d{2,4}){2,3}(?![\w,]|\.\d)")
_DATE_START = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}|^\d{1,2}-\d{1,2}-\d{2,4}|^\d{4}\.\d{1,2}\.\d{1,2}$"
                         r"|^\d{1,2}\.\d{1,2}\.\d{4}$")


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
