"""Deterministic file writing: same frame -> same bytes (CSV, JSON lines, Excel, Parquet, JSON) and sha256.

Excel files carry timestamps twice (``docProps/core.xml`` and every zip entry); both are pinned to ``FIXED_TIME``.
Floats are written with ``repr`` so they round-trip; money is rounded to 2 decimals before it gets here.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

FIXED_TIME = datetime(2025, 7, 1, 0, 0, 0)


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8", append: bool = False) -> None:
    """Write ``df`` as CSV without index; ``None``/NaN become empty fields; newline ``\\n``. ``append`` adds the rows
    (no header, no second byte-order mark) to a file written before."""
    if append:
        df.to_csv(path, index=False, header=False, mode="a", lineterminator="\n", chunksize=200_000,
                  encoding="utf-8" if encoding == "utf-8-sig" else encoding)
        return
    df.to_csv(path, index=False, encoding=encoding, lineterminator="\n", chunksize=200_000)


def _jsonable(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return None if np.isnan(v) else float(v)
    if isinstance(v, float) and np.isnan(v):
        return None
    return v


def write_jsonl(df: pd.DataFrame, path: Path, append: bool = False) -> None:
    """Write one JSON object per row (UTF-8, keys in column order, missing values as ``null``), after the file's
    rows if ``append``."""
    cols = list(df.columns)
    with open(path, "a" if append else "w", encoding="utf-8", newline="\n") as fh:
        for row in zip(*(df[c].tolist() for c in cols), strict=True):
            fh.write(json.dumps({c: _jsonable(v) for c, v in zip(cols, row, strict=True)}, ensure_ascii=False))
            fh.write("\n")


_XLSX_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EXCEL_EPOCH = date(1899, 12, 30)


def _xlsx_parts(sheet: str) -> dict[str, str]:
    """The fixed parts of a one-sheet workbook (style 1 = date cells, number format 14)."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "[Content_Types].xml": _HEAD + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>'),
        "_rels/.rels": _HEAD + (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/></Relationships>'),
        "docProps/core.xml": _HEAD + (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>experiments.synthetic</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'),
        "xl/workbook.xml": _HEAD + (
            f'<workbook xmlns="{_XLSX_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": _HEAD + (
            f'<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'),
        "xl/styles.xml": _HEAD + (
            f'<styleSheet xmlns="{_XLSX_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font>'
            '</fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
            '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
            '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
            'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" '
            'borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
            'builtinId="0"/></cellStyles></styleSheet>'),
    }


def _cell(ref: str, v: Any) -> str:
    v = _jsonable(v)
    if v is None:
        return ""
    if isinstance(v, bool):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int | float):
        return f'<c r="{ref}"><v>{v!r}</v></c>'
    if isinstance(v, datetime):
        raise TypeError("datetimes are not supported; pass dates")
    if isinstance(v, date):
        return f'<c r="{ref}" s="1"><v>{(v - _EXCEL_EPOCH).days}</v></c>'
    text = escape(str(v))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _xlsx_rows(df: pd.DataFrame, first_row: int, header: bool) -> str:
    """The ``<row>`` elements of ``df`` (with its column names first if ``header``), numbered from ``first_row``."""
    letters = [chr(ord("A") + k) for k in range(len(df.columns))]
    if len(letters) > 26:
        raise ValueError(f"write_xlsx supports up to 26 columns, got {len(df.columns)}")
    cols = [df[c].tolist() for c in df.columns]
    rows = [list(df.columns), *zip(*cols, strict=True)] if header else zip(*cols, strict=True)
    return "".join(f'<row r="{i}">' + "".join(_cell(f"{a}{i}", v) for a, v in zip(letters, row, strict=True))
                   + "</row>" for i, row in enumerate(rows, start=first_row))


_XLSX_ORDER = ("[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "xl/workbook.xml",
               "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/worksheets/sheet1.xml")
_SHEET_OPEN = f'<worksheet xmlns="{_XLSX_NS}"><sheetData>'
_SHEET_CLOSE = "</sheetData></worksheet>"


def _zip_info(name: str) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o600 << 16
    return zi


def write_xlsx(df: pd.DataFrame, path: Path, sheet: str) -> None:
    """Write ``df`` as a one-sheet workbook: ``date`` values become date cells (number format 14), numbers stay
    numbers, text is inline. A small streaming writer (openpyxl reads it back) with every timestamp pinned, so
    the bytes depend on the data only; openpyxl's own writer is ~20x slower without lxml."""
    parts = _xlsx_parts(sheet)
    parts["xl/worksheets/sheet1.xml"] = _HEAD + _SHEET_OPEN + _xlsx_rows(df, 1, header=True) + _SHEET_CLOSE
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in _XLSX_ORDER:
            zf.writestr(_zip_info(name), parts[name].encode("utf-8"))


class XlsxAppender:
    """A one-sheet workbook written block by block (``append(df)`` per block, then ``close()``), in the format of
    ``write_xlsx``: the sheet is deflated as it is written, so only one block's rows are ever held."""

    def __init__(self, path: Path, sheet: str) -> None:
        self._zf = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
        parts = _xlsx_parts(sheet)
        for name in _XLSX_ORDER[:-1]:
            self._zf.writestr(_zip_info(name), parts[name].encode("utf-8"))
        self._sheet = self._zf.open(_zip_info(_XLSX_ORDER[-1]), "w", force_zip64=True)
        self._sheet.write((_HEAD + _SHEET_OPEN).encode("utf-8"))
        self._next_row = 1

    def append(self, df: pd.DataFrame) -> None:
        """Add ``df``'s rows (its column names first, for the first block)."""
        self._sheet.write(_xlsx_rows(df, self._next_row, header=self._next_row == 1).encode("utf-8"))
        self._next_row += len(df) + (self._next_row == 1)

    def close(self) -> None:
        self._sheet.write(_SHEET_CLOSE.encode("utf-8"))
        self._sheet.close()
        self._zf.close()


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` as Parquet (pyarrow, no pandas index metadata)."""
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, compression="zstd")


def write_json(obj: Any, path: Path) -> None:
    """Write ``obj`` as indented JSON with sorted keys (dates as ISO strings)."""
    def default(o: Any) -> Any:
        if isinstance(o, date | datetime):
            return o.isoformat()
        if isinstance(o, np.integer):
            return int(o)
        if isinstance(o, np.floating):
            return float(o)
        raise TypeError(f"not JSON serialisable: {type(o).__name__}")

    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True, default=default) + "\n",
                    encoding="utf-8")


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
