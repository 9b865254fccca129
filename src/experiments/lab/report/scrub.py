"""The one masking step for everything a run publishes under reports/.

Before a run folder is published, ``scrub_folder`` passes every text file the notebook left in it through
``common.masking``: the executed notebook (cell sources, text and HTML outputs, error messages and tracebacks; images
untouched), metrics.json (keys and string values; a key made from data is also shortened and made safe:
``safe_key``), and any CSV, Markdown, JSON or text file. The HTML report is rendered from the scrubbed notebook, and
run.json, the index and digest.md are written from scrubbed values, so no file under reports/ shows an email, a
phone or an ID-card number, nor a control or bidi-override character that makes a value read as something else.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from experiments.common.masking import mask_pii, visible_controls

#: Longest metrics.json key; a longer one (made from a 200,000-character label) is cut and given a hash suffix.
MAX_KEY_CHARS = 80
TEXT_SUFFIXES = {".csv", ".md", ".txt", ".json", ".html", ".tsv"}
_OUTPUT_TEXT = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")


def scrub_text(value: str) -> str:
    """``value`` masked (emails, phones, ID cards) with control and bidi-override characters made visible."""
    return visible_controls(mask_pii(value))


def scrub(value: Any) -> Any:
    """Scrub every string inside ``value`` (dicts, lists, strings); other values are returned as they are."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {scrub(k) if isinstance(k, str) else k: scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def safe_key(key: str) -> str:
    """A metrics.json key with personal data masked, characters outside ``[A-Za-z0-9_.@-]`` as ``_``, and at most
    ``MAX_KEY_CHARS`` characters (longer keys end in ``_`` and 8 hex characters of their sha1, so two long keys stay
    apart). Keys the lab writes itself pass unchanged."""
    masked = re.sub(r"[^\w.@-]", "_", mask_pii(key), flags=re.ASCII)
    if len(masked) <= MAX_KEY_CHARS:
        return masked
    return masked[:MAX_KEY_CHARS - 9] + "_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def _scrub_source(source: Any) -> Any:
    return scrub_text("".join(source)) if isinstance(source, list) else scrub(source)


def scrub_notebook(path: Path) -> None:
    """Scrub an executed notebook in place (see the module doc); images and metadata are left alone."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"] = scrub(nb.get("metadata", {}))  # papermill keeps the injected parameters there
    for cell in nb.get("cells", []):
        cell["source"] = _scrub_source(cell.get("source", ""))
        cell["metadata"] = scrub(cell.get("metadata", {}))
        for out in cell.get("outputs", []) or []:
            if "text" in out:
                out["text"] = _scrub_source(out["text"])
            for mime in _OUTPUT_TEXT:
                if mime in (out.get("data") or {}):
                    out["data"][mime] = _scrub_source(out["data"][mime]) if mime != "application/json" \
                        else scrub(out["data"][mime])
            if out.get("output_type") == "error":
                out["ename"], out["evalue"] = scrub_text(out.get("ename", "")), scrub_text(out.get("evalue", ""))
                out["traceback"] = [scrub_text(line) for line in out.get("traceback", [])]
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def scrub_metrics(path: Path) -> None:
    """Scrub metrics.json in place: keys through ``safe_key``, string values masked."""
    metrics = json.loads(path.read_text(encoding="utf-8"))
    clean = {safe_key(k): scrub(v) for k, v in metrics.items()}
    path.write_text(json.dumps(clean, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def scrub_folder(folder: Path) -> list[Path]:
    """Scrub every text file below ``folder`` (a notebook's run folder) in place; return the files scrubbed."""
    done = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            if path.suffix == ".ipynb":
                scrub_notebook(path)
            elif path.name == "metrics.json":
                scrub_metrics(path)
            elif path.suffix.lower() in TEXT_SUFFIXES:
                text = path.read_text(encoding="utf-8")
                path.write_text(scrub_text(text), encoding="utf-8")
            else:
                continue
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # not text after all (or not JSON): left as written, never half-scrubbed
        done.append(path)
    return done
