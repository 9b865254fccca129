"""The one date parser of the lab: mixed date representations into naive UTC timestamps.

Every analysis, the cleaning and the data layer parse dates through ``parse_dates``; nothing else calls
``pandas.to_datetime`` on user data. The recognised shapes are listed in ``DATE_SHAPES``. Slash dates
(``02/03/1985``, ``12/1/10 8:26``) are the only ambiguous shape; ``order`` says how to read them:

- ``"dmy"`` or ``"mdy"``: the caller knows the source (the company world's CRM and POS are day-first);
- ``"auto"``: decided from the column itself. If some value has a first part > 12 the column is day-first, if some
  value has a second part > 12 it is month-first; both at once is an error (mixed conventions), and a column in
  which every slash date is ambiguous (both parts <= 12) is also an error asking for ``date_order``. The deciding
  values must be a clear share of the slash dates (``AUTO_MIN_EVIDENCE``, 5%; a real column has about 60%, as
  days 13 to 31 are): one "13/12/10" among 2,999 "12/1/10" is an odd row, not a convention, and the column stops
  with an error naming the rows. A column is never guessed silently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from experiments.common.errors import DataInputError, example_rows

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
EXCEL_SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10: numbers in this range are Excel day serials
EPOCH_MS_RANGE = (10**11, 10**13 * 5)  # 1973 .. 3554 in milliseconds; smaller integers are not epoch ms
#: Unix epoch seconds (1973-03-03 .. 2128-06-11): a column whose every value is a whole number in this range is read
#: as epoch seconds (MovieLens-style ``timestamp``); it lies above YYYYMMDD integers and below epoch milliseconds.
EPOCH_S_RANGE = (10**8, 5 * 10**9)
#: ``date_format`` values that are not strftime formats: Unix epoch seconds or milliseconds (UTC by definition).
EPOCH_FORMATS = {"unix_s": "s", "unix_ms": "ms"}

_TIME = r"(?:[ T](?P<H>\d{1,2}):(?P<Mi>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
DATE_SHAPES: dict[str, str] = {
    # 2015-02-24T11:35:52-08:00, and Twitter exports' 2015-02-24 11:35:52 -0800 (space before the time and offset)
    "iso_offset": r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)? ?(?:Z|[+-]\d{2}:?\d{2})",
    "ymd": r"(?P<Y>\d{4})[-/.](?P<M>\d{1,2})[-/.](?P<D>\d{1,2})" + _TIME,
    "compact": r"(?P<Y>\d{4})(?P<M>\d{2})(?P<D>\d{2})" + _TIME,
    "chinese": r"(?P<Y>\d{4})\s*年\s*(?P<M>\d{1,2})\s*月\s*(?P<D>\d{1,2})\s*日?" + _TIME,
    "slash": r"(?P<A>\d{1,2})[/.-](?P<B>\d{1,2})[/.-](?P<Y>\d{2}|\d{4})" + _TIME,
    "number": r"\d+(?:\.\d+)?",
}
DATE_ORDERS = ("auto", "dmy", "mdy")
#: Share of a column's slash dates that must prove the order (a part > 12) before ``auto`` decides.
AUTO_MIN_EVIDENCE = 0.05


@dataclass
class ParsedDates:
    """Result of :func:`parse_dates`: timestamps (NaT where missing or bad) and the mask of unparsable values."""

    values: pd.Series
    unparsable: pd.Series
    order_used: str
    zoned: pd.Series | None = None  # True where the value carried its own zone (ISO offset, epoch ms): now UTC

    def local_dates(self, utc_offset_hours: float) -> pd.Series:
        """Calendar dates in the local time at ``utc_offset_hours`` (zoned values are shifted back from UTC)."""
        zoned = self.zoned if self.zoned is not None else pd.Series(False, index=self.values.index)
        shifted = self.values.where(~zoned, self.values + pd.Timedelta(hours=utc_offset_hours))
        return shifted.dt.normalize()


def _compose(y: pd.Series, m: pd.Series, d: pd.Series, parts: pd.DataFrame) -> pd.Series:
    """Build timestamps from year/month/day (+ optional H/Mi/S) string columns; invalid combinations become NaT."""
    frame = pd.DataFrame({"year": pd.to_numeric(y), "month": pd.to_numeric(m), "day": pd.to_numeric(d)})
    for src, dst in (("H", "hour"), ("Mi", "minute"), ("S", "second")):
        if src in parts:
            frame[dst] = pd.to_numeric(parts[src]).fillna(0)
    return pd.to_datetime(frame, errors="coerce")


def resolve_date_order(values: pd.Series, order: str = "auto", column: str = "date") -> str:
    """Return ``"dmy"`` or ``"mdy"`` for the slash dates in ``values`` following the module's documented rule.

    Raises ``DataInputError`` when the order is ``auto`` and the column is mixed or entirely ambiguous.
    """
    if order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {DATE_ORDERS}, got {order!r}")
    if order != "auto":
        return order
    text = values.dropna().astype(str).str.strip()
    parts = text.str.extract("^" + DATE_SHAPES["slash"] + "$")
    parts = parts.dropna(subset=["A", "B"])
    if parts.empty:
        return "dmy"  # no slash dates: the order does not matter
    a, b = parts["A"].astype(int), parts["B"].astype(int)
    day_first, month_first = bool((a > 12).any()), bool((b > 12).any())
    if day_first and month_first:
        raise DataInputError(f"column '{column}': slash dates mix day-first ({text[a > 12].iloc[0]!r}) and "
                             f"month-first ({text[b > 12].iloc[0]!r}) values; set date_order or date_format")
    if not day_first and not month_first:
        raise DataInputError(f"column '{column}': every slash date is ambiguous (day and month both <= 12, e.g. "
                             f"{text.iloc[0]!r}); set date_order to 'dmy' or 'mdy'")
    proof = (a > 12) if day_first else (b > 12)
    if proof.mean() < AUTO_MIN_EVIDENCE:
        rows = ", ".join(str(int(i) + 1) for i in proof[proof].index[:5]) + (", ..." if proof.sum() > 5 else "")
        raise DataInputError(
            f"column '{column}': only {int(proof.sum())} of {len(proof):,} slash dates "
            f"({proof.mean():.2%}) read as {'day-first' if day_first else 'month-first'} (rows {rows}: "
            f"{text[proof].head(3).tolist()}); the rest are ambiguous, so these look like odd rows rather than the "
            "column's convention. Set date_order to 'dmy' or 'mdy' (or fix those rows)")
    return "dmy" if day_first else "mdy"


def parse_dates(values: pd.Series, *, order: str = "auto", fmt: str = "", utc_offset_hours: float = 0.0,
                column: str = "date") -> ParsedDates:
    """Parse a column of mixed date representations into naive UTC timestamps.

    Accepts datetime values, ISO 8601 (with offset: converted to UTC), ``YYYY-MM-DD[ HH:MM[:SS]]``, ``YYYY/M/D``,
    ``YYYYMMDD``, ``2024年3月5日``, slash dates (order per ``order``, see the module doc), Excel day serials (numbers
    in ``EXCEL_SERIAL_RANGE``), epoch milliseconds (integers in ``EPOCH_MS_RANGE``) and, when every value of the
    column is a whole number in ``EPOCH_S_RANGE``, Unix epoch seconds (``order_used`` is then ``"unix_s"``, for the
    run info to say so). ``fmt`` (a strftime format, or ``unix_s`` / ``unix_ms``) overrides the detection. Values
    without an offset are local time at ``utc_offset_hours`` and shifted to UTC.
    """
    s = pd.Series(values)
    index = s.index
    out = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    present = s.notna() & (s.astype(str).str.strip() != "")
    epoch_unit = EPOCH_FORMATS.get(fmt) or ("s" if not fmt and _all_epoch_seconds(s, present) else "")
    if epoch_unit:
        nums = pd.to_numeric(s.where(present).astype("string").str.strip(), errors="coerce")
        whole = nums.notna() & (nums == nums.round())
        out[whole] = pd.to_datetime(nums[whole].astype("int64"), unit=epoch_unit).astype("datetime64[us]")
        return ParsedDates(values=out, unparsable=present & out.isna(), order_used=f"unix_{epoch_unit}",
                           zoned=present.copy())
    if fmt:
        parsed = pd.to_datetime(s.where(present).astype("string").str.strip(), format=fmt, errors="coerce")
        out = parsed.astype("datetime64[us]")
        local = pd.Series(True, index=index)
        used = "format"
    else:
        local = pd.Series(True, index=index)
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.tz_convert("UTC").dt.tz_localize(None) if s.dt.tz is not None else s
            return ParsedDates(values=s.astype("datetime64[us]"), unparsable=pd.Series(False, index=index),
                               order_used="datetime")
        textual = pd.api.types.is_string_dtype(s) and not pd.api.types.is_object_dtype(s)
        false = pd.Series(False, index=index)
        is_dt = false if textual else s.map(lambda v: isinstance(v, pd.Timestamp | np.datetime64)
                                            or hasattr(v, "year"))
        if is_dt.any():
            out[is_dt] = pd.to_datetime(s[is_dt], errors="coerce").astype("datetime64[us]")
        numeric = false if textual else present & ~is_dt & s.map(
            lambda v: isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool))
        compact_num = false if textual else numeric & s.map(
            lambda v: isinstance(v, int | np.integer) and 19_000_101 <= v <= 21_001_231)
        numeric = numeric & ~compact_num  # 19850302 read as an integer is a YYYYMMDD date, not a serial
        text = s.where(present & ~is_dt & ~numeric).astype("string").str.strip()
        # numbers given as numbers or as digit strings
        num_text = text.str.fullmatch(DATE_SHAPES["number"]).fillna(False) & ~text.str.fullmatch(
            DATE_SHAPES["compact"]).fillna(False)
        nums = pd.Series(np.nan, index=index)
        nums[numeric] = pd.to_numeric(s[numeric], errors="coerce")
        nums[num_text] = pd.to_numeric(text[num_text], errors="coerce")
        serial = nums.between(*EXCEL_SERIAL_RANGE)
        out[serial] = (EXCEL_EPOCH + pd.to_timedelta(nums[serial], unit="D")).astype("datetime64[us]")
        epoch = nums.between(*EPOCH_MS_RANGE)
        out[epoch] = pd.to_datetime(nums[epoch], unit="ms").astype("datetime64[us]")
        local[epoch] = False  # epoch milliseconds are UTC by definition
        iso = text.str.fullmatch(DATE_SHAPES["iso_offset"]).fillna(False)
        if iso.any():
            out[iso] = pd.to_datetime(text[iso], utc=True, format="ISO8601", errors="coerce").dt.tz_localize(
                None).astype("datetime64[us]")
            local[iso] = False
        used = "dmy"
        fast = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d"] + (["%d/%m/%Y %H:%M"] if order == "dmy" else
                                                    ["%m/%d/%Y %H:%M"] if order == "mdy" else [])
        for f in fast:  # vectorised fast path for the common exact formats; the rest goes shape by shape
            todo = text.notna() & out.isna() & ~iso
            if not todo.any():
                break
            got = pd.to_datetime(text[todo], format=f, errors="coerce")
            out[got.index[got.notna()]] = got[got.notna()].astype("datetime64[us]")
        for shape in ("ymd", "compact", "chinese", "slash"):
            todo = text.notna() & out.isna() & ~iso
            if not todo.any():
                break
            parts = text[todo].str.extract("^" + DATE_SHAPES[shape] + "$").dropna(how="all")
            if parts.empty:
                continue
            if shape == "slash":
                used = resolve_date_order(text[todo], "auto" if order == "auto" else order, column)
                day, month = (parts["A"], parts["B"]) if used == "dmy" else (parts["B"], parts["A"])
                year = parts["Y"].where(parts["Y"].str.len() == 4, "20" + parts["Y"])
                out[parts.index] = _compose(year, month, day, parts).astype("datetime64[us]")
            else:
                out[parts.index] = _compose(parts["Y"], parts["M"], parts["D"], parts).astype("datetime64[us]")
    if utc_offset_hours:
        out = out.where(~local, out - pd.Timedelta(hours=utc_offset_hours))
    unparsable = present & out.isna()
    return ParsedDates(values=out, unparsable=unparsable, order_used=used, zoned=~local & present)


def _all_epoch_seconds(s: pd.Series, present: pd.Series) -> bool:
    """True when every given value is a whole number (as a number or digits) in ``EPOCH_S_RANGE``."""
    if not present.any() or pd.api.types.is_datetime64_any_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    given = s[present]
    if pd.api.types.is_numeric_dtype(given):
        nums = given.astype("float64")
    else:
        text = given.astype(str).str.strip()
        if not text.str.fullmatch(r"\d{9,10}(?:\.0+)?").all():
            return False
        nums = pd.to_numeric(text, errors="coerce")
    return bool((nums == nums.round()).all() and nums.between(EPOCH_S_RANGE[0], EPOCH_S_RANGE[1] - 1).all())


def check_dates_parsed(parsed: ParsedDates, raw: pd.Series, source: str, column: str, max_share: float = 0.5) -> None:
    """Raise ``DataInputError`` when more than ``max_share`` of given values are not dates (wrong column mapped)."""
    given = int(raw.notna().sum())
    bad = int(parsed.unparsable.sum())
    if given and bad / given > max_share:
        examples = raw[parsed.unparsable].astype(str).head(3).tolist()
        raise DataInputError(f"{source}: column '{column}' has {bad} of {given} values that are not dates "
                             f"({example_rows(parsed.unparsable)}: {examples}); expected ISO, day-first or "
                             "month-first dates, Excel serials, epoch seconds or epoch ms (date_format unix_s / "
                             "unix_ms)")
