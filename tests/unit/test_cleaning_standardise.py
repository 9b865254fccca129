"""Standardisation rules on tiny frames with hand-worked answers."""

import pandas as pd
import pytest

from experiments.cleaning.standardise import (
    parse_dates,
    resolve_date_order,
    standardise_emails,
    standardise_gender,
    standardise_names,
    standardise_phones,
)
from experiments.data.tables import DataInputError


def test_mixed_date_formats_day_first():
    raw = pd.Series(["1985-03-02", "02/03/1985", "1985/3/2", "19850302", 19850302, "1985年3月2日", 31108.0, "31108"],
                    dtype=object)
    # every value is 2 March 1985 (Excel serial 31108 = 1899-12-30 + 31108 days)
    parsed = parse_dates(raw, order="dmy")
    assert (parsed.values == pd.Timestamp("1985-03-02")).all()
    assert not parsed.unparsable.any()


def test_iso_offset_and_epoch_ms_become_utc():
    raw = pd.Series(["2024-03-05T10:22:01+08:00", 1709605321000], dtype=object)
    parsed = parse_dates(raw)
    # 10:22:01 at +08:00 is 02:22:01 UTC; 1709605321000 ms = 2024-03-05 02:22:01 UTC
    assert parsed.values.tolist() == [pd.Timestamp("2024-03-05 02:22:01")] * 2


def test_local_time_shifted_to_utc():
    parsed = parse_dates(pd.Series(["01/05/2024 13:45"]), order="dmy", utc_offset_hours=8)
    assert parsed.values.iloc[0] == pd.Timestamp("2024-05-01 05:45")


def test_impossible_and_garbage_dates_are_flagged_not_guessed():
    parsed = parse_dates(pd.Series(["31/02/2020", "soon", None, ""]), order="dmy")
    assert parsed.values.isna().all()
    assert parsed.unparsable.tolist() == [True, True, False, False]


def test_month_first_inferred_from_a_day_above_12():
    # '12/13/10' can only be month-first, so the whole column is read month-first: 12/1/10 is 1 December 2010
    parsed = parse_dates(pd.Series(["12/1/10 8:26", "12/13/10 14:16"]))
    assert parsed.order_used == "mdy"
    assert parsed.values.tolist() == [pd.Timestamp("2010-12-01 08:26"), pd.Timestamp("2010-12-13 14:16")]


def test_ambiguous_or_mixed_slash_dates_refuse_to_guess():
    with pytest.raises(DataInputError, match="ambiguous.*date_order"):
        resolve_date_order(pd.Series(["01/02/2024", "03/04/2024"]), "auto", "InvoiceDate")
    with pytest.raises(DataInputError, match="mix day-first"):
        resolve_date_order(pd.Series(["13/02/2024", "02/13/2024"]), "auto", "InvoiceDate")
    assert resolve_date_order(pd.Series(["01/02/2024"]), "mdy") == "mdy"


def test_explicit_format_overrides_detection():
    parsed = parse_dates(pd.Series(["05.03.2024"]), fmt="%m.%d.%Y")
    assert parsed.values.iloc[0] == pd.Timestamp("2024-05-03")


def test_phones_to_e164():
    raw = pd.Series(["+86 138-0013-8000", "13800138000", "138 0013 8000", "0086 13800138000",
                     "+1 (415) 555-0134", "12345", None])
    out, invalid = standardise_phones(raw)
    assert out.tolist()[:5] == ["+8613800138000"] * 4 + ["+14155550134"]
    assert out.iloc[5] is pd.NA and out.iloc[6] is pd.NA
    assert invalid.tolist() == [False] * 5 + [True, False]  # a missing phone is not an invalid one


def test_emails_trimmed_lowercased_validated():
    out, invalid = standardise_emails(pd.Series(["  Li.Na@Example.COM ", "no-at-sign.com", "a@b", None]))
    assert out.iloc[0] == "li.na@example.com"
    assert out.iloc[1:].isna().all()
    assert invalid.tolist() == [False, True, True, False]


def test_names_and_gender():
    assert standardise_names(pd.Series([" 张 三 ", "  John   Smith ", "  "])).tolist() == ["张三", "John Smith", pd.NA]
    assert standardise_gender(pd.Series(["男", "F", "female", "", None, "x"])).tolist() == [
        "M", "F", "F", pd.NA, pd.NA, pd.NA]


def test_auto_date_order_needs_a_clear_share_of_evidence() -> None:
    """Issue 8: one '13/12/10' among 2,999 '12/1/10' used to re-date the whole column day-first; now it stops and
    names the odd row (the 3,000th, row 3000)."""
    from experiments.cleaning.standardise import resolve_date_order
    from experiments.data.tables import DataInputError

    values = pd.Series(["12/1/10 8:26"] * 2999 + ["13/12/10 9:00"])
    with pytest.raises(DataInputError, match=r"only 1 of 3,000 slash dates .*rows 3000"):
        resolve_date_order(values, "auto", "InvoiceDate")
    # a real month-first column proves itself on every day after the 12th: decided
    real = pd.Series([f"12/{d}/10 8:26" for d in range(1, 32)])
    assert resolve_date_order(real, "auto", "InvoiceDate") == "mdy"
    assert resolve_date_order(values, "mdy", "InvoiceDate") == "mdy"  # an explicit order is taken as given
