"""Reading flat tables (CSV, Parquet, Excel, JSON lines) with errors that name the file, column and rows.

Every analysis notebook accepts ``input_path`` plus ``<role>_col`` parameters; this module turns those into a
DataFrame with the contract's column names, or a ``DataInputError`` a user can act on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError

from experiments.common.errors import DataInputError as DataInputError  # re-exported: its old home
from experiments.common.errors import example_rows as example_rows
from experiments.data.paths import resolve

READERS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".gz": "csv", ".parquet": "parquet", ".pq": "parquet",
           ".xlsx": "excel", ".xls": "excel", ".jsonl": "jsonl", ".json": "jsonl"}
#: Compressions pandas reads natively, by suffix: ``events.csv.gz`` is a CSV inside gzip. Encoding detection and
#: error messages read the decompressed text, never the compressed bytes.
# Excel through calamine (Rust): the same frame as openpyxl on every workbook we hold (the worlds, Online Retail's
# 40k sample) and ~25x faster: the xlarge world's 480,679-row pos_members.xlsx in 7 s against 168 s.
EXCEL_ENGINE = "calamine"
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".zip": "zip", ".xz": "xz", ".zst": "zstd"}


def compression_of(path: Path) -> str | None:
    """Return the compression of ``path`` by its last suffix (gzip, bz2, zip, xz, zstd), or None."""
    return COMPRESSIONS.get(path.suffix.lower())


def open_decompressed(path: Path):
    """Open ``path`` for reading bytes, decompressing it when its suffix names a compression."""
    kind = compression_of(path)
    if kind == "gzip":
        import gzip
        return gzip.open(path, "rb")
    if kind == "bz2":
        import bz2
        return bz2.open(path, "rb")
    if kind == "xz":
        import lzma
        return lzma.open(path, "rb")
    if kind == "zip":
        import io
        import zipfile
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            if len(names) != 1:
                raise DataInputError(f"{path.name}: a zip archive must hold exactly one file, found {len(names)}")
            return io.BytesIO(zf.read(names[0]))
    if kind == "zstd":
        try:
            import zstandard
        except ImportError as exc:
            raise DataInputError(f"{path.name}: reading .zst needs the zstandard package") from exc
        return zstandard.ZstdDecompressor().stream_reader(path.open("rb"))
    return path.open("rb")


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffixes = [s.lower() for s in path.suffixes]
    for suffix in reversed(suffixes):
        if suffix in READERS and suffix not in COMPRESSIONS:
            return READERS[suffix]
    if suffixes and suffixes[-1] in READERS:
        return READERS[suffixes[-1]]
    if _looks_like_text(path):  # u.data, orders.dat, an export without a suffix: delimited text, sniffed
        return "csv"
    raise DataInputError(f"{path.name}: unknown file type {''.join(suffixes) or '(none)'}; "
                         "expected .csv, .parquet, .xlsx or .jsonl")


def _looks_like_text(path: Path) -> bool:
    """True when the file's first bytes are text (no NUL byte, not a zip/PDF container)."""
    try:
        with open_decompressed(path) as fh:
            head = fh.read(4096)
    except (OSError, DataInputError):
        return False
    return bool(head) and b"\x00" not in head and not head.startswith((b"PK\x03\x04", b"PK", b"%PDF"))


def read_table(path: str | os.PathLike[str], *, fmt: str | None = None, encoding: str | None = None,
               sheet: str | int | None = 0, dtype: Mapping[str, str] | str | None = None,
               sep: str | None = None, header: bool | None = None) -> pd.DataFrame:
    """Read one flat table and return it as a DataFrame.

    CSV text (plain or compressed: .gz, .bz2, .zip, .xz, .zst) is split on ``sep`` when given (``whitespace`` for
    runs of blanks), otherwise on the delimiter ``sniff_layout`` finds in the first lines (comma, semicolon, tab,
    pipe or whitespace), and read with a header row unless ``header`` is False or the first line is all numbers
    (then columns are named "0", "1", ... and ``df.attrs["header"]`` is False), both recorded in ``df.attrs``.

    ``fmt`` is inferred from the suffix (csv, parquet, excel, jsonl). CSV text is read as ``encoding`` when given,
    otherwise as ``detect_encoding`` decides (UTF-8, or an unambiguous charset-normalizer answer; it stops rather
    than guess), recorded in ``df.attrs["encoding"]``. Raises
    ``DataInputError`` for a missing, empty, undecodable or unparsable file, naming it.
    """
    p = resolve(path)
    if not p.is_file():
        raise DataInputError(f"{p}: file not found")
    if p.stat().st_size == 0:
        raise DataInputError(f"{p.name}: the file is empty (0 bytes)")
    kind = _format_of(p, fmt)
    try:
        if kind == "parquet":
            df = pd.read_parquet(p)
        elif kind == "excel":
            df = pd.read_excel(p, sheet_name=sheet, dtype=dtype, engine=EXCEL_ENGINE)
        elif kind == "jsonl":
            df = pd.read_json(p, lines=True, dtype=dtype if dtype is not None else False,
                              encoding=encoding or "utf-8")
        else:
            df = _read_csv(p, encoding=encoding, dtype=dtype, sep=sep, header=header)
    except DataInputError:
        raise
    except (ValueError, OSError, pd.errors.ParserError, CalamineError) as exc:
        raise DataInputError(f"{p.name}: cannot be read as {kind}: {exc}") from exc
    if df.shape[1] == 0:
        raise DataInputError(f"{p.name}: no columns found (is it empty or not a {kind} file?)")
    return df


def columns_of(path: str | os.PathLike[str], *, encoding: str | None = None, sheet: str | int | None = 0,
               sep: str | None = None, header: bool | None = None) -> list[str]:
    """The column names ``read_table`` would give the file (Excel and Parquet without reading their rows)."""
    p = resolve(path)
    kind = _format_of(p, None) if p.is_file() else "csv"
    if kind == "excel":
        try:
            return [str(c) for c in pd.read_excel(p, sheet_name=sheet, nrows=0, engine=EXCEL_ENGINE).columns]
        except (ValueError, OSError, CalamineError) as exc:
            raise DataInputError(f"{p.name}: cannot be read as excel: {exc}") from exc
    if kind == "parquet":
        import pyarrow.parquet as pq

        return [str(c) for c in pq.read_schema(p).names]
    return [str(c) for c in read_table(p, encoding=encoding, sheet=sheet, sep=sep, header=header).columns]


#: Delimiters ``sniff_layout`` considers, in order of preference when a line has several.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"


def sniff_layout(lines: list[str]) -> tuple[str, bool]:
    """Return ``(sep, has_header)`` for the first lines of a text table.

    The delimiter is the one of comma, semicolon, tab and pipe that splits every line into the same number (> 1) of
    fields (the first such in that order); otherwise ``whitespace`` when every line has the same number (> 1) of
    blank-separated fields (the classic fixed-width files, e.g. CDNOW's ``00001 19970101 1 11.77``); otherwise a
    comma. A first line whose every field is a number has no header.
    """
    import re

    lines = [ln.rstrip("\r\n") for ln in lines if ln.strip()][:20]
    if not lines:
        return ",", True
    sep = ","
    for cand in DELIMITERS:
        counts = {ln.count(cand) for ln in lines}
        if len(counts) == 1 and counts.pop() > 0:
            sep = cand
            break
    else:
        widths = {len(ln.split()) for ln in lines}
        if len(widths) == 1 and widths.pop() > 1:
            sep = "whitespace"
    first = lines[0].split() if sep == "whitespace" else lines[0].split(sep)
    has_header = not all(re.fullmatch(_NUMBER, f.strip().strip('"')) for f in first if f.strip())
    return sep, has_header


def _head_lines(p: Path, encoding: str, n: int = 20) -> list[str]:
    with open_decompressed(p) as fh:
        raw = fh.read(256_000)
    return raw.decode(encoding, errors="replace").splitlines()[:n]


def _read_csv(p: Path, *, encoding: str | None, dtype, sep: str | None, header: bool | None = None) -> pd.DataFrame:
    enc = encoding or detect_encoding(p)
    sniffed_sep, sniffed_header = sniff_layout(_head_lines(p, enc))
    if not sep:
        sep = "\t" if p.suffix == ".tsv" else sniffed_sep
    has_header = sniffed_header if header is None else bool(header)
    names = None
    if not has_header:  # columns "0", "1", ...: a *_col parameter names them as text
        first = next((ln for ln in _head_lines(p, enc, 5) if ln.strip()), "")
        names = [str(i) for i in range(len(first.split() if sep == "whitespace" else first.split(sep)))]
    try:
        df = pd.read_csv(p, encoding=enc, dtype=dtype, keep_default_na=True,
                         sep=r"\s+" if sep == "whitespace" else sep, header=0 if has_header else None, names=names)
    except UnicodeDecodeError as exc:
        where = _first_undecodable_lines(p, enc)
        raise DataInputError(f"{p.name}: cannot decode as {enc} at {where}; pass the file's encoding "
                             "(parameter input_encoding, e.g. 'gbk' or 'cp1252')") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataInputError(f"{p.name}: no header and no rows (empty CSV)") from exc
    df.attrs["encoding"] = enc
    df.attrs["sep"] = sep
    df.attrs["header"] = has_header
    return df


#: Bytes of a file that encoding detection reads (the whole file is then decoded strictly with the answer).
DETECT_BYTES = 2_000_000


def detect_encoding(path: Path) -> str:
    """Return the text encoding of ``path``: UTF-8 (with or without BOM) when it decodes as such, else the answer
    of charset-normalizer when every equally plausible candidate decodes the file to the same text.

    Raises ``DataInputError`` when the candidates disagree (a cp1252 file is also valid cp1250 and GB18030, with
    different letters): the message lists them with the first differing line decoded each way, and asks for
    ``input_encoding``. Never guesses.
    """
    from charset_normalizer import from_bytes

    with open_decompressed(path) as fh:
        head = fh.read(DETECT_BYTES)
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if len(head) == DETECT_BYTES and exc.start >= len(head) - 4:  # a character cut by the sample's end
            return "utf-8-sig"
    matches = list(from_bytes(head))
    if not matches:
        raise DataInputError(f"{path.name}: the text encoding cannot be told (not UTF-8, and no known encoding "
                             "decodes it); pass the file's encoding as input_encoding")
    best = min(m.chaos for m in matches)
    plausible = [m for m in matches if m.chaos <= best + 0.01]
    texts = {str(m) for m in plausible}
    if len(texts) == 1:
        return plausible[0].encoding
    lines = [str(m).splitlines() for m in plausible]
    row = next((i for i in range(min(map(len, lines))) if len({ls[i] for ls in lines}) > 1), 0)
    shown = "; ".join(f"{m.encoding}: {lines[k][row][:60]!r}" for k, m in enumerate(plausible[:4]))
    raise DataInputError(f"{path.name}: the text encoding cannot be told: it is not UTF-8 and "
                         f"{len(plausible)} encodings read it differently, e.g. line {row + 1} as {shown}; "
                         "pass the right one as input_encoding (e.g. 'cp1252' for Western European Excel exports, "
                         "'gbk' for Chinese)")


def _first_undecodable_lines(path: Path, encoding: str, limit: int = 3) -> str:
    """Return 'lines 3, 17, ...' for the first lines of ``path`` that do not decode as ``encoding``."""
    bad: list[int] = []
    with open_decompressed(path) as fh:
        for number, raw_line in enumerate(fh, 1):
            try:
                raw_line.decode(encoding)
            except UnicodeDecodeError:
                bad.append(number)
                if len(bad) > limit:
                    break
    if not bad:
        return "an unknown line"
    shown = ", ".join(map(str, bad[:limit])) + (", ..." if len(bad) > limit else "")
    return ("line " if len(bad) == 1 else "lines ") + shown


def require_columns(df: pd.DataFrame, columns: Iterable[str], source: str) -> None:
    """Raise ``DataInputError`` naming ``source`` and every missing column, listing the columns that exist."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataInputError(f"{source}: missing required column(s) {', '.join(map(repr, missing))}; "
                             f"found {', '.join(map(repr, map(str, df.columns)))}")


def map_columns(df: pd.DataFrame, mapping: Mapping[str, str | None], source: str,
                optional: Iterable[str] = ()) -> pd.DataFrame:
    """Select and rename columns onto contract roles.

    ``mapping`` is ``{role: column_in_file}`` (the notebook's ``<role>_col`` parameters). A role mapped to an empty
    value is skipped when it is listed in ``optional`` and an error otherwise. Returns a frame whose columns are
    the roles, in mapping order.
    """
    optional = set(optional)
    roles = {}
    for role, col in mapping.items():
        if not col:
            if role in optional:
                continue
            raise DataInputError(f"{source}: no column given for required role '{role}' (parameter {role}_col)")
        roles[role] = col
    require_columns(df, roles.values(), source)
    out = df[list(roles.values())].copy()
    out.columns = list(roles.keys())
    return out
