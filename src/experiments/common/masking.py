"""The one masking rule of the lab: emails, phone numbers and ID-card numbers in any text, before it reaches a
report or a file.

``mask_pii`` is used by report text (``lab.report.safe``), everything a run publishes under reports/ (the runner's
publish step), the cleaning's masked views and every analysis; there is no second rule.

What is personal data, by pattern (not every long number):
- an email;
- a phone number written as one: with a ``+`` or ``00`` country prefix, or in groups split by dashes, dots or
  brackets (``138-0013-8000``, ``(212) 555-0143``), 7 to 15 digits in all, or by spaces alone in groups of at most
  4 digits, 9 or more in all (``010 6552 9988``; numbers side by side in a table are not a phone); a plain run
  of digits only when it is a Chinese mobile (``13800138000``, ``8613800138000``). Order ids (``536365``,
  ``INV-1234567``), EAN-13 codes and quantities (``1000000``) stay readable;
- a Chinese resident ID number: 18 digits (the last may be ``X``) or the old 15 digits.
By column role: in a column whose name says it holds phone numbers (``phone``, ``mobile``, ``tel``, ``电话``,
``手机``), every run of 7 or more digits is masked (``mask_pii(value, personal=True)``).

``visible_controls`` makes control and bidirectional-override characters visible (``[U+202E]``), so a value cannot
read as something else in a report ("Contract is live" drawn right to left).
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
                         r"|^\d{1,2}\.\d{1,2}\.\d{4}$"
                         # a compact time stamp such as a run id (20261204-171302): date digits, then the time
                         r"|^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[-_T]?[0-2]\d[0-5]\d(?:[0-5]\d)?$")


def _mask_email(match: re.Match[str]) -> str:
    user, _, domain = match.group(0).partition("@")
    return user[:1] + "****@" + domain


# A Chinese resident ID number: 18 characters (17 digits and a digit or X) or the old 15 digits.
ID_CARD_RE = re.compile(r"(?<![A-Za-z0-9])(?:\d{17}[\dXx]|\d{15})(?![A-Za-z0-9])")
# A Chinese mobile written as plain digits, optionally with the country code 86.
_CN_MOBILE = re.compile(r"(?:86)?1[3-9]\d{9}")
# The same inside identifiers and keys (``phone_13800138000``); never inside a hex hash (letters around it).
_CN_MOBILE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9.,])(?:\+?86)?1[3-9]\d{9}(?![A-Za-z0-9])")
# Control characters (but tab, newline and the ESC of terminal colours in tracebacks) and the bidirectional marks
# and overrides (U+200E/F, U+202A-E, U+2066-9).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _stars(digits: str, head: str = "") -> str:
    return head + digits[:2] + "*" * (len(digits) - 4) + digits[-2:]


def _mask_phone(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 7 or _DATE_START.match(raw):
        return raw
    prefixed = raw.startswith(("+", "00"))
    separated = bool(re.search(r"[ ()./-]", raw))
    if not (prefixed or separated or _CN_MOBILE.fullmatch(digits)):
        return raw  # a plain run of digits: an order id, a code or a quantity, not a phone number
    if separated and not prefixed and not re.search(r"[()./-]", raw) and not _CN_MOBILE.fullmatch(digits) \
            and (any(len(g) > 4 for g in raw.split()) or len(digits) < 9):
        return raw  # numbers side by side in a table or a sentence ("40000  39972", "0  1234  567"), not a phone
    return _stars(digits, "+" if raw.startswith("+") else "")


def _mask_any_digits(match: re.Match[str]) -> str:
    raw = match.group(0)
    digits = re.sub(r"\D", "", raw)
    return raw if len(digits) < 7 or _DATE_START.match(raw) else _stars(digits, "+" if raw.startswith("+") else "")


def mask_pii(value: Any, personal: bool = False) -> str:
    """Return ``value`` as text with every email (``l****@example.com``), phone number (``+86*********00``) and ID-card
    number (``11**************7X``) masked, by the module's rule; ``personal=True`` (a phone column) masks every run
    of 7 or more digits."""
    s = "" if value is None else str(value)
    s = EMAIL_RE.sub(_mask_email, s)
    s = ID_CARD_RE.sub(lambda m: _stars(m.group(0)), s)
    if personal:
        return DOTTED_PHONE_RE.sub(_mask_any_digits, PHONE_RE.sub(_mask_any_digits, s))
    s = DOTTED_PHONE_RE.sub(_mask_phone, PHONE_RE.sub(_mask_phone, s))
    return _CN_MOBILE_IN_TEXT.sub(lambda m: _stars(re.sub(r"\D", "", m.group(0)),
                                                   "+" if m.group(0).startswith("+") else ""), s)


def visible_controls(value: str) -> str:
    """Return ``value`` with control and bidirectional-override characters shown as ``[U+202E]`` (NUL as
    ``[U+0000]``); tabs and newlines stay."""
    return _CONTROLS.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", value)


#: Column names whose values are phone numbers whatever their shape (masked with ``personal=True``).
PERSONAL_COLUMN = re.compile(r"(?i:phone|mobile|\btel\b|telephone|fax|电话|手机)")
