"""experiments.lab.report.safe: the one way data-derived text reaches a report (masked, shortened, escaped).

Each expected value is worked out by hand from the masking rule: an email keeps its first character and domain
(``j****@example.com``); a phone keeps a leading ``+``, its first two and last two digits, every other digit a ``*``.
"""

from __future__ import annotations

import html

import pandas as pd
import pytest
from nbconvert.filters.markdown import markdown2html_mistune

from experiments.lab.report import safe


@pytest.mark.parametrize("raw,masked", [
    ("jane.doe@example.com", "j****@example.com"),
    ("mary_o'neil+ads@mail.example.org", "m****@mail.example.org"),
    ("write to Li.Wei@corp.example.cn today", "write to L****@corp.example.cn today"),
    # Chinese mobiles: 11 digits 1[3-9]x, plain, +86, spaced, dashed
    ("13800138000", "13*******00"),
    ("+8613800138000", "+86*********00"),
    ("Call +86 138 0013 8000 now", "Call +86*********00 now"),
    ("138-0013-8000", "13*******00"),
    ("tel:13912345678", "tel:13*******78"),
    ("(010) 6552 9988", "01*******88"),  # Beijing landline with area code
    # other countries
    ("(212) 555-0143", "21******43"),
    ("+1 (212) 555-0143", "+12*******43"),
    ("+44 20 7946 0958", "+44********58"),
    ("0049 30 1234567", "00*********67"),
    ("212.555.0143", "21******43"),  # dotted
    ("138.0013.8000", "13*******00"),
    # issue 8: an email sitting in a phone field was shown in full (the masking only handled digits)
    ("phone: jane@example.co.uk", "phone: j****@example.co.uk"),
    ("jane@example.com / 13800138000", "j****@example.com / 13*******00"),
])
def test_emails_and_phones_are_masked(raw: str, masked: str) -> None:
    assert safe.mask_pii(raw) == masked


@pytest.mark.parametrize("raw", [
    "2011-12-09", "2011-12-09 08:26:00", "2024-01-05T10:00:00Z", "12/1/2010 8:26", "09/12/2011", "09-12-2011",
    "2011.12.09", "09.12.2011", "order 536365", "price 1,234,567.89", "3.14159265358", "1234.5678", "192.168.1.10",
    "v1.2.3", "1e20", "", "20261204-171302", "run 20261204-171302 ok",
])
def test_dates_and_ordinary_numbers_are_not_masked(raw: str) -> None:
    assert safe.mask_pii(raw) == raw


def test_mask_pii_accepts_any_value() -> None:
    assert safe.mask_pii(None) == ""
    assert safe.mask_pii(13800138000) == "13*******00"  # a phone number stored as an integer
    assert safe.mask_pii(42) == "42"


@pytest.mark.parametrize("hostile", [
    "<img src=x onerror=document.title='PWNED'>",
    "<script>document.title='PWNED'</script>",
    '"><svg onload=alert(1)>',
    "<a href='javascript:alert(1)'>click</a>",
])
def test_text_is_inert_in_html_and_markdown(hostile: str) -> None:
    escaped = safe.text(hostile)
    assert "<" not in escaped and ">" not in escaped and '"' not in escaped and "'" not in escaped
    rendered = markdown2html_mistune(escaped)  # what nbconvert does with a Markdown output
    assert "<img" not in rendered and "<script" not in rendered and "<svg" not in rendered and "<a " not in rendered


def test_text_shows_the_original_characters_after_markdown() -> None:
    # the reader sees the label as written, not entity or backslash debris (an apostrophe was shown as &#x27;)
    labels = ["it's <b>bold</b>", 'say "hi" & bye', "#1 [a](b) *c* _d_ `e` | f ~g~ > h !i", "&copy; \\",
              "see https://evil.example/x?a=1"]
    for label in labels:
        rendered = markdown2html_mistune(safe.text(label))
        assert "<a " not in rendered
        assert html.unescape(rendered.strip().removeprefix("<p>").removesuffix("</p>")) == label


def test_markdown_syntax_in_data_does_not_format() -> None:
    rendered = markdown2html_mistune(safe.text("**bold** [link](http://evil.example) # heading"))
    assert "<strong>" not in rendered and "<a " not in rendered and "<h1" not in rendered


def test_text_masks_before_escaping_and_shortens() -> None:
    assert safe.text("jane@example.com") == "j\\*\\*\\*\\*@example\\.com"
    long = "A" * 200_000  # issue 8: a 200,000-character label made a 7 MB report
    out = safe.text(long)
    assert out.startswith("A" * safe.MAX_CHARS) and out.endswith("200,000 characters\\)") and len(out) < 200
    assert safe.shorten("abc", 3) == "abc" and safe.shorten("abcd", 3) == "abc… (4 characters)"
    assert safe.text(None) == "–" and safe.text(float("nan")) == "–"


def test_md_escapes_values_and_formats_numbers() -> None:
    out = safe.md("**{label}** won by {lift:.1%} over {n:,} units", label="<img src=x onerror=alert(1)>",
                  lift=0.1234, n=12345).data
    assert out == "**&lt;img src=x onerror=alert\\(1\\)&gt;** won by 12.3% over 12,345 units"
    assert safe.md("{x:.2f}", x="abc").data == "abc"  # a format spec for numbers is ignored on text


def test_frame_masks_cells_columns_and_index_and_leaves_numbers() -> None:
    df = pd.DataFrame({"jane@example.com": ["13800138000", "x" * 200, None], "revenue": [12345678, 2, 3],
                       "CustomerID": [13800138000, 17850, 12345]},
                      index=["a@b.co", "ok", "2011-12-09"])
    out = safe.frame(df)
    assert list(out.columns) == ["j****@example.com", "revenue", "CustomerID"]
    assert list(out.index) == ["a****@b.co", "ok", "2011-12-09"]
    assert out.iloc[0, 0] == "13*******00" and out.iloc[1, 0].endswith("(200 characters)") and pd.isna(out.iloc[2, 0])
    assert list(out["revenue"]) == [12345678, 2, 3]  # an ordinary number column is untouched
    # issue 8: customer ids that are phone numbers appeared unmasked (an id column, even as integers)
    assert list(out["CustomerID"]) == ["13*******00", "17850", "12345"]
    assert df.iloc[0, 0] == "13800138000"  # the data itself is not changed
    rendered = safe.frame(pd.DataFrame({"<script>x</script>": ["<img src=x onerror=alert(1)>"]})).to_html()
    assert "<script>" not in rendered and "<img" not in rendered
