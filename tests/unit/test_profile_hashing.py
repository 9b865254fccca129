"""08 audiences: identifiers normalised and hashed as the ad platforms document for customer-list upload. The
expected digests were computed by hand (``printf '%s' li.wei@example.com | sha256sum``), not by the code under test."""

from __future__ import annotations

import pandas as pd

from experiments.profile.hashing import hashed_identifiers, normalise_email, normalise_phone, sha256_hex

EMAIL_SHA = "19afa36eb5d506175b5eb909cc10c4b83a5b8f4c20960efbc3953c5b1feb5f26"  # li.wei@example.com
CN_SHA = "c66eb20c638e59e196c1b55bfd8a5f7e7b868fc4584ceaf7029814f9f470077c"  # 8613912345678
US_SHA = "ca14e4a57745b09a5da167bcca412c8c8f52059add1c4ba4a91afbd0ac441feb"  # 19088464820


def test_upper_case_email_with_spaces_is_trimmed_lowered_and_hashed() -> None:
    assert normalise_email("  Li.Wei@Example.COM ") == "li.wei@example.com"
    assert sha256_hex(normalise_email("  Li.Wei@Example.COM ")) == EMAIL_SHA


def test_chinese_mobile_in_every_written_form_hashes_as_e164_digits() -> None:
    for raw in ("+86 139 1234 5678", "13912345678", "0086-139-1234-5678", "+86-13912345678"):
        assert normalise_phone(raw, "86") == "8613912345678", raw
        assert sha256_hex(normalise_phone(raw, "86")) == CN_SHA, raw
    assert sha256_hex(normalise_phone("+1 (908) 846-4820", "86")) == US_SHA


def test_missing_or_junk_identifiers_are_empty_not_a_hash_of_nothing() -> None:
    assert normalise_email(None) == "" and normalise_email("not an email") == ""
    assert normalise_phone(pd.NA) == "" and normalise_phone("12345") == ""
    assert sha256_hex("") == ""


def test_hashed_identifiers_hold_no_raw_value() -> None:
    frame = pd.DataFrame({"email": ["  Li.Wei@Example.COM ", None], "phone": ["+86 139 1234 5678", "13912345678"]})
    out = hashed_identifiers(frame, "86")
    assert out["email_sha256"].tolist() == [EMAIL_SHA, ""]
    assert out["phone_sha256"].tolist() == [CN_SHA, CN_SHA]
    assert not out.apply(lambda c: c.str.contains("@|139", regex=True)).any().any()
