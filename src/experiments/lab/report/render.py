"""Render an executed notebook to a self-contained HTML report: code hidden, no CDN, our own page shell."""

from __future__ import annotations

import html
import re
from importlib import resources
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

MAX_REPORT_BYTES = 3 * 1024 * 1024
_REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


def stylesheet() -> str:
    """Return the CSS shared by every report and the index."""
    return resources.files("experiments.lab.report").joinpath("style.css").read_text(encoding="utf-8")


def page(title: str, body: str, banner: str = "") -> str:
    """Wrap ``body`` (trusted HTML) in a complete offline page with ``title`` (escaped) and an optional banner."""
    banner_html = f'<div class="banner">{banner}</div>' if banner else ""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>\n{stylesheet()}</style>\n</head>\n<body>\n"
            f"{banner_html}\n{body}\n</body>\n</html>\n")


def remote_references(text: str) -> list[str]:
    """Return tags in ``text`` that would load something from the network (script, link, img, iframe)."""
    return _REMOTE.findall(text)


def render_notebook_html(executed: Path, out_html: Path, title: str, banner: str = "") -> int:
    """Render ``executed`` (.ipynb) to ``out_html`` with inputs and prompts hidden and return its size in bytes.

    Outputs keep nbconvert's escaping (text outputs and DataFrame tables are escaped); figures are embedded PNG/SVG,
    so the page works offline. Raises ``ValueError`` if the page would load anything remote.
    """
    nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    text = page(title, body, banner)
    remote = remote_references(text)
    if remote:
        raise ValueError(f"{out_html.name}: the report would load from the network: {remote[:3]}")
    out_html.write_text(text, encoding="utf-8")
    return out_html.stat().st_size
