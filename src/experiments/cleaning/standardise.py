"""Standardise raw values: dates to timestamps, phones to E.164, emails and names to one spelling.

Every function is vectorised over a ``pandas.Series`` (phones are parsed once per distinct value) and returns the
cleaned series plus, where a value can be unparsable, a boolean mask of the values that were given but could not be
understood, so the caller decides per rule whether to null, flag or quarantine them.

Dates: the lab's one date parser lives in ``experiments.common.dates`` (slash dates never guessed; see its
module doc) and is re-exported here for the cleaning's callers.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import phonenumbers

from experiments.common.dates import (  # noqa: F401  the one date parser, re-exported for old callers
    AUTO_MIN_EVIDENCE,
    DATE_ORDERS,
    DATE_SHAPES,
    EPOCH_MS_RANGE,
    EXCEL_EPOCH,
    EXCEL_SERIAL_RANGE,
    ParsedDates,
    check_dates_parsed,
    parse_dates,
    resolve_date_order,
)

# ---------------------------------------------------------------- phones
_PHONE_JUNK = re.compile(r"[^\d+]")


def _phone_one(value: str, region: str) -> str | None:
    raw = _PHONE_JUNK.sub("", value)
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if not raw or raw == "+":
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def standardise_phones(values: pd.Series, default_region: str = "CN") -> tuple[pd.Series, pd.Series]:
    """Return (E.164 phones, mask of given-but-invalid values).

    ``+86 138-0013-8000``, ``0086 13800138000`` and ``138 0013 8000`` all become ``+8613800138000``; numbers with
    their own country code (``+1 (415) 555-0134``) keep it. Validity is ``phonenumbers.is_valid_number``.
    """
    s = pd.Series(values)
    text = s.astype("string").str.strip()
    text = text.where(text != "")
    uniques = text.dropna().unique()
    lookup = {u: _phone_one(str(u), default_region) for u in uniques}
    out = text.map(lookup).astype("string")
    invalid = text.notna() & out.isna()
    return out, invalid


def phone_region(e164: pd.Series) -> pd.Series:
    """Return the phonenumbers geocoder description (English, e.g. 'Beijing') of each E.164 phone, or <NA>."""
    from phonenumbers import geocoder

    uniques = pd.Series(e164).dropna().unique()
    lookup = {}
    for u in uniques:
        try:
            lookup[u] = geocoder.description_for_number(phonenumbers.parse(str(u)), "en") or None
        except phonenumbers.NumberParseException:
            lookup[u] = None
    return pd.Series(e164).map(lookup).astype("string")


# ---------------------------------------------------------------- emails and names
EMAIL_RE = r"[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}"


def standardise_emails(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return (emails trimmed and lower-cased, mask of given-but-invalid ones, which are nulled)."""
    text = pd.Series(values).astype("string").str.strip().str.lower()
    text = text.where(text != "")
    ok = text.str.fullmatch(EMAIL_RE).fillna(False).astype(bool)
    invalid = text.notna() & ~ok
    return text.where(ok).astype("string"), invalid


def _name_one(value: str) -> str:
    v = unicodedata.normalize("NFKC", value).strip()
    v = re.sub(r"\s+", " ", v)
    if re.search(r"[\u4e00-\u9fff]", v):
        v = v.replace(" ", "")  # Chinese names carry no inner spaces
    return v


def standardise_names(values: pd.Series) -> pd.Series:
    """Return names NFKC-normalised, trimmed, inner whitespace collapsed (removed inside Chinese names)."""
    text = pd.Series(values).astype("string")
    uniques = text.dropna().unique()
    out = text.map({u: _name_one(str(u)) for u in uniques}).astype("string")
    return out.where(out != "")


def standardise_gender(values: pd.Series) -> pd.Series:
    """Map M/F/男/女/male/female (any case) to 'M'/'F'; anything else to <NA>."""
    mapping = {"m": "M", "male": "M", "男": "M", "f": "F", "female": "F", "女": "F"}
    return pd.Series(values).astype("string").str.strip().str.lower().map(mapping).astype("string")


def standardise_text(values: pd.Series) -> pd.Series:
    """Trim free text (cities, addresses); empty strings become <NA>."""
    text = pd.Series(values).astype("string").str.strip()
    text = text.str.replace(r"\s+", " ", regex=True)
    return text.where(text != "")
