"""``reports/index.html``: every published run, newest first, with status, duration and headline metrics.

A stakeholder sees at a glance when the reports were last made, which analyses passed, the headline numbers of
each and a link to its report. Everything is read from each run's ``run.json`` (written by the runner), which holds
the numbers of each notebook's ``metrics.json``.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from experiments.lab.notebook import readable_number
from experiments.lab.report.render import page

RUN_FILE = "run.json"
#: Warning (and index badge) of a report larger than ``render.MAX_REPORT_BYTES``.
OVER_BUDGET = "report over size budget"
HEADLINE_FALLBACK = 4


def load_runs(reports_root: Path) -> list[dict[str, Any]]:
    """Return the published runs under ``reports_root`` (folders with a run.json), newest first.

    Hidden folders (a run still being written) are ignored, so a half-written run never shows.
    """
    runs = []
    for folder in reports_root.iterdir() if reports_root.is_dir() else []:
        if folder.name.startswith((".", "_")) or not (folder / RUN_FILE).is_file():
            continue
        try:
            run = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        run["folder"] = folder.name
        runs.append(run)
    return sorted(runs, key=lambda r: (r.get("started_at", ""), r["folder"]), reverse=True)


def format_value(value: Any) -> str:
    """Format a metric for people: thousands separators, 4 significant digits, percentages left to the key."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e6 or abs(value) < 1e-3):
            return f"{value:.3g}"  # a headline card is narrow: 4.13e+06, 7.6e-04
        return readable_number(value)  # as in the reports' tables
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def format_metric(key: str, value: Any) -> str:
    """Format a metric by its key: relative lifts and shares as signed or plain percentages, the rest as numbers."""
    if isinstance(value, float) and not isinstance(value, bool):
        if key.endswith("_rel_lift"):
            return f"{value:+.1%}"
        if key.endswith(("_share", "_pct_of_total")):
            return f"{value:.1%}"
    return format_value(value)


def format_duration(seconds: float | None) -> str:
    """'2 min 14 s' / '8.3 s'."""
    if seconds is None:
        return "—"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s" if seconds >= 60 else f"{seconds:.1f} s"


def _status(status: str) -> str:
    return f'<span class="status status-{html.escape(status)}">{html.escape(status)}</span>'


def _badges(nb: dict[str, Any]) -> str:
    """Warning badges of a notebook (e.g. the report over its size budget), each with its detail as a tooltip."""
    return "".join(f' <span class="status status-warning" title="{html.escape(w)}">'
                   f'{html.escape(w.split(":", 1)[0])}</span>' for w in nb.get("warnings") or [])


def _card(run_folder: str, nb: dict[str, Any]) -> str:
    metrics = nb.get("metrics") or {}
    pairs = [(h, h) if isinstance(h, str) else (h[0], h[1]) for h in nb.get("headline") or []]
    pairs = [(k, label) for k, label in pairs if k in metrics] or [(k, k) for k in list(metrics)[:HEADLINE_FALLBACK]]
    rows = "".join(f'<dt title="{html.escape(k)}">{html.escape(label)}</dt>'
                   f"<dd>{html.escape(format_metric(k, metrics[k]))}</dd>" for k, label in pairs)
    link = (f'<a href="{html.escape(run_folder)}/{html.escape(nb["html"])}">Open the report</a>'
            if nb.get("html") else '<span class="muted">no report</span>')
    error = f'<div class="error">{html.escape(nb["error"])}</div>' if nb.get("error") else ""
    params = html.escape(json.dumps(nb.get("parameters") or {}, ensure_ascii=False, indent=1))
    return (f'<div class="card"><h3>{html.escape(nb.get("title") or nb["name"])}</h3>'
            f'{_status(nb.get("status", "unknown"))}{_badges(nb)} <span class="muted">'
            f'{format_duration(nb.get("duration_seconds"))} · {html.escape(nb["name"])}</span>{error}'
            f'<dl>{rows}</dl><p>{link}</p>'
            f'<details><summary class="muted">parameters</summary><pre>{params}</pre></details></div>')


def render_index(runs: list[dict[str, Any]]) -> str:
    """Return the index page for ``runs`` (newest first)."""
    if not runs:
        return page("Customer Insights Lab reports", "<h1>Customer Insights Lab reports</h1><p>No runs yet: "
                    "run <code>make run</code>.</p>")
    latest = runs[0]
    nbs = latest.get("notebooks") or []
    n_ok = sum(nb.get("status") == "passed" for nb in nbs)
    noun = "analysis" if len(nbs) == 1 else "analyses"
    summary = f"{n_ok} of {len(nbs)} {noun} passed" if n_ok < len(nbs) else f"all {len(nbs)} {noun} passed"
    n_big = sum(any(w.startswith(OVER_BUDGET) for w in nb.get("warnings") or []) for nb in nbs)
    if n_big:
        summary += f" ({n_big} {'report' if n_big == 1 else 'reports'} over the size budget)"
    body = [
        "<h1>Customer Insights Lab reports</h1>",
        f"<p><strong>Latest run: {html.escape(latest.get('started_at', '?'))}</strong> — {_status(latest['status'])} "
        f"{html.escape(summary)} in {format_duration(latest.get('duration_seconds'))}. "
        f"<span class=\"muted\">Run {html.escape(latest['folder'])}, "
        f"profile {html.escape(str(latest.get('profile') or 'default'))}, "
        f"data {html.escape(str(latest.get('data_fingerprint')))}, code {html.escape(str(latest.get('git_revision')))}"
        "</span></p>",
        '<div class="cards">' + "".join(_card(latest["folder"], nb) for nb in nbs) + "</div>",
    ]
    if len(runs) > 1:
        rows = []
        for run in runs[1:]:
            links = " ".join(f'<a href="{html.escape(run["folder"])}/{html.escape(nb["html"])}">'
                             f'{html.escape(nb["name"])}</a>{"" if nb.get("status") == "passed" else " (failed)"}'
                             f'{" (" + OVER_BUDGET + ")" if nb.get("warnings") else ""}'
                             for nb in run.get("notebooks") or [] if nb.get("html"))
            rows.append(f"<tr><td>{html.escape(run.get('started_at', '?'))}</td><td>{_status(run['status'])}</td>"
                        f"<td>{format_duration(run.get('duration_seconds'))}</td>"
                        f"<td>{html.escape(str(run.get('profile') or 'default'))}</td>"
                        f"<td>{html.escape(str(run.get('data_fingerprint')))}</td><td>{links}</td></tr>")
        body.append("<h2>Earlier runs</h2><table><tr><th>started (UTC)</th><th>status</th><th>duration</th>"
                    "<th>profile</th><th>data</th><th>reports</th></tr>" + "".join(rows) + "</table>")
    return page("Customer Insights Lab reports", "\n".join(body))


def write_index(reports_root: Path) -> Path:
    """Write ``reports_root/index.html`` atomically from the published runs and return its path."""
    reports_root.mkdir(parents=True, exist_ok=True)
    target = reports_root / "index.html"
    tmp = reports_root / ".index.html.tmp"
    tmp.write_text(render_index(load_runs(reports_root)), encoding="utf-8")
    os.replace(tmp, target)
    return target
