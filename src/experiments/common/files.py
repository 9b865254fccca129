"""File helpers every layer may use."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def fingerprint(files: Iterable[str | os.PathLike[str]]) -> str:
    """Return a short sha256 over the names, sizes and bytes of ``files`` (folders: every file below them)."""
    digest = hashlib.sha256()
    found = False
    for item in sorted(Path(f) for f in files):
        members = sorted(p for p in item.rglob("*") if p.is_file()) if item.is_dir() else [item]
        for p in members:
            if not p.is_file():
                continue
            found = True
            digest.update(f"{p.name}:{p.stat().st_size}:".encode())
            with p.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
    return digest.hexdigest()[:12] if found else "no-data"


#: A cell a spreadsheet would run as a formula (OWASP CSV injection): it starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells that start like a formula (``=``, ``+``, ``-``, ``@``, tab, CR) get a
    leading ``'``, so a spreadsheet shows them as text instead of running them (OWASP, CSV injection). Numbers stay
    numbers (a negative amount is not text); column names get the same treatment."""
    import pandas as pd

    def fix(v: object) -> object:
        return "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(fix)
    out.columns = [fix(c) for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str], **kwargs: object) -> Path:
    """Write ``df`` as CSV through ``spreadsheet_safe`` (every CSV the lab writes goes through here); return the path.
    ``kwargs`` go to ``DataFrame.to_csv`` (``index=False`` unless given)."""
    kwargs.setdefault("index", False)
    spreadsheet_safe(df).to_csv(path, **kwargs)
    return Path(path)
