"""File helpers every layer may use."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path


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
