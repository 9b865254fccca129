"""Identifiers normalised and hashed the way the ad platforms document customer-list upload (Google Customer Match,
Meta custom audiences): email trimmed and lower-cased; phone as E.164 digits (country code, no ``+``, no spaces or
leading zeros); then SHA-256 of the UTF-8 text as lower-case hex. A raw email or phone never leaves this module."""

from __future__ import annotations

import hashlib
import re

import pandas as pd

_NON_DIGIT = re.compile(r"\D+")
CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_email(value: object) -> str:
    """``'  Li.Wei@Example.COM '`` -> ``'li.wei@example.com'``; empty or missing -> ``''``."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    text = str(value).strip().lower()
    return text if "@" in text else ""


def normalise_phone(value: object, default_country_code: str = "86") -> str:
    """E.164 digits: ``'+86 139-1234-5678'`` -> ``'8613912345678'``; ``'0086…'`` loses the ``00``; a bare Chinese
    mobile (11 digits starting 13-19) gets ``default_country_code``; anything shorter than 8 digits -> ``''``."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    text = str(value).strip()
    digits = _NON_DIGIT.sub("", text)
    if text.startswith("00") or (not text.startswith("+") and digits.startswith("00")):
        digits = digits.lstrip("0")
    elif not text.startswith("+") and CN_MOBILE.match(digits):
        digits = default_country_code + digits
    digits = digits.lstrip("0")
    return digits if 8 <= len(digits) <= 15 else ""


def sha256_hex(text: str) -> str:
    """SHA-256 of ``text`` (UTF-8) as lower-case hex; ``''`` stays ``''`` (no hash of nothing)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def hashed_identifiers(frame: pd.DataFrame, default_country_code: str) -> pd.DataFrame:
    """``email_sha256`` and ``phone_sha256`` of a frame with ``email`` and ``phone`` columns (missing -> ``''``)."""
    email = frame["email"] if "email" in frame.columns else pd.Series("", index=frame.index)
    phone = frame["phone"] if "phone" in frame.columns else pd.Series("", index=frame.index)
    return pd.DataFrame({
        "email_sha256": [sha256_hex(normalise_email(v)) for v in email],
        "phone_sha256": [sha256_hex(normalise_phone(v, default_country_code)) for v in phone],
    }, index=frame.index)
