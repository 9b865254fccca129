"""``reports/index.html``, the front page: the latest scheduled result of each analysis, with trends and what
changed, apart from ad-hoc runs.

A stakeholder sees at a glance when the reports were last made, which analyses passed, the headline numbers of
each with their trend over the last scheduled runs and the change since the previous one (a change larger than
the figure's usual run-to-run spread is highlighted), and a link to each report; an analysis that failed in the
latest run shows its error and its last good figures, dated. Ad-hoc runs (a chosen notebook, another file, changed
parameters) are listed in their own section and never replace the scheduled figures (``history``).
Everything is read from each run's ``run.json`` (written by the runner), which holds
the numbers of each notebook's ``metrics.json``.
"""

from __future__ import annotations

import html
import json
import math
import os
from pathlib import Path
from typing import Any

from experiments.common.masking import mask_pii
from experiments.lab.notebook import readable_number
from experiments.lab.report import history
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
        if key.endswith(("_share", "_pct_of_total")) or key.startswith("share_") or "_share_" in key:
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


def sparkline(values: list[Any], width: int = 110, height: int = 26) -> str:
    """A static inline SVG of the values (oldest left), the last point marked; '' with fewer than two numbers."""
    nums = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)
            and math.isfinite(v)]
    if len(nums) < 2:
        return ""
    lo, hi = min(nums), max(nums)
    span = (hi - lo) or 1.0
    xy = [(2 + i * (width - 4) / (len(nums) - 1), height - 3 - (v - lo) / span * (height - 6))
          for i, v in enumerate(nums)]
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="last {len(nums)} scheduled runs"><polyline fill="none" stroke="currentColor" '
            f'stroke-width="1.5" points="{pts}"/><circle cx="{xy[-1][0]:.1f}" cy="{xy[-1][1]:.1f}" r="2.5"/></svg>')


def _figure(runs: list[dict[str, Any]], name: str, metrics: dict[str, Any], key: str, label: str) -> str:
    value = html.escape(format_metric(key, metrics[key]))
    ci = history.interval(metrics, key)
    ci_text = (f'<div class="muted">interval {html.escape(format_metric(key, ci[0]))} to '
               f'{html.escape(format_metric(key, ci[1]))}</div>') if ci else ""
    ch = history.change(runs, name, key, label)
    trend, moved, unusual = "", "", ""
    if ch is not None:
        trend = sparkline(ch.history)
        if ch.now != ch.before:
            if ch.numeric:
                arrow = "▲" if float(ch.now) > float(ch.before) else "▼"
                rel = ch.relative
                amount = f"{abs(rel):.0%}" if rel is not None and abs(rel) >= 0.005 else \
                    f"by {format_metric(key, abs(ch.now - ch.before))}"
                moved = f"{arrow} {amount} since the previous run (was {format_metric(key, ch.before)})"
            else:
                moved = f"changed from {format_metric(key, ch.before)}"
            unusual = " unusual" if ch.unusual else ""
    moved_html = f'<div class="change{unusual}">{html.escape(moved)}</div>' if moved else ""
    return (f'<dt title="{html.escape(key)}">{html.escape(label)}</dt>'
            f'<dd>{value}{ci_text}{moved_html}</dd><dd class="trend">{trend}</dd>')


def _card(runs: list[dict[str, Any]], st: history.AnalysisState) -> str:
    nb = st.good or st.latest
    run = st.good_run or st.latest_run
    metrics = nb.get("metrics") or {}
    pairs = [(h, h) if isinstance(h, str) else (h[0], h[1]) for h in st.latest.get("headline") or []]
    pairs = [(k, label) for k, label in pairs if k in metrics] or [(k, k) for k in list(metrics)[:HEADLINE_FALLBACK]]
    rows = "".join(_figure(runs, st.name, metrics, k, label) for k, label in pairs) if st.good else ""
    link = (f'<a href="{html.escape(run["folder"])}/{html.escape(nb["html"])}">Open the report</a>'
            if nb.get("html") else '<span class="muted">no report</span>')
    problem = ""
    if st.latest.get("status") != "passed":
        failed_link = (f' <a href="{html.escape(st.latest_run["folder"])}/{html.escape(st.latest["html"])}">'
                       "the failed report</a>" if st.latest.get("html") else "")
        when = html.escape(str(st.latest_run.get("started_at", "")))
        problem = (f'<div class="error">{html.escape(st.latest.get("status", "failed"))} in the run of {when}: '
                   f'{html.escape(mask_pii(st.latest.get("error") or ""))}{failed_link}</div>')
        if st.good:
            problem += (f'<div class="stale">Figures below are the last good ones, from '
                        f'{html.escape(str(run.get("started_at", "")))}.</div>')
    params = html.escape(mask_pii(json.dumps(nb.get("parameters") or {}, ensure_ascii=False, indent=1)))
    return (f'<div class="card"><h3>{html.escape(nb.get("title") or nb["name"])}</h3>'
            f'{_status(st.latest.get("status", "unknown"))}{_badges(nb)} <span class="muted">'
            f'{html.escape(str(run.get("started_at", "")))} · {format_duration(nb.get("duration_seconds"))} · '
            f'{html.escape(nb["name"])}</span>{problem}'
            f'<dl class="figures">{rows}</dl><p>{link}</p>'
            f'<details><summary class="muted">parameters</summary><pre>{params}</pre></details></div>')


def _links(run: dict[str, Any]) -> str:
    return " ".join(f'<a href="{html.escape(run["folder"])}/{html.escape(nb["html"])}">{html.escape(nb["name"])}</a>'
                    f'{"" if nb.get("status") == "passed" else " (" + html.escape(nb.get("status", "")) + ")"}'
                    f'{" (" + OVER_BUDGET + ")" if nb.get("warnings") else ""}'
                    for nb in run.get("notebooks") or [] if nb.get("html"))


def _adhoc_table(runs: list[dict[str, Any]]) -> str:
    rows = []
    for run in runs:
        files = ", ".join(Path(f).name for f in history.input_files(run)) or "company world"
        overrides = " ".join(str(o) for o in run.get("cli_overrides") or [])
        rows.append(f"<tr><td>{html.escape(run.get('started_at', '?'))}</td><td>{_status(run['status'])}</td>"
                    f"<td>{html.escape(mask_pii(files))}</td>"
                    f"<td>{html.escape(str(run.get('profile') or 'default'))}"
                    f"{'<br><code>' + html.escape(mask_pii(overrides)) + '</code>' if overrides else ''}</td>"
                    f"<td>{_links(run)}</td></tr>")
    return ("<h2>Ad-hoc runs</h2><p class=\"muted\">Runs of chosen notebooks, other files or changed parameters; "
            "they never replace the scheduled figures above.</p><div class=\"scroll\"><table><tr><th>started (UTC)"
            "</th><th>status</th><th>input</th><th>profile / parameters</th><th>reports</th></tr>"
            + "".join(rows) + "</table></div>")


def render_index(runs: list[dict[str, Any]]) -> str:
    """Return the front page for ``runs`` (newest first): the latest scheduled result of each analysis with trends
    and what changed, then ad-hoc runs in their own section, then earlier scheduled runs."""
    title = "Customer Insights Lab"
    if not runs:
        return page(title, f"<h1>{title}</h1><p>No runs yet: run <code>make run</code>.</p>")
    sched, other = history.scheduled(runs), history.adhoc(runs)
    body = [f"<h1>{title}</h1>"]
    if not sched:
        body.append("<p><strong>No scheduled run yet</strong>: <code>make run</code> (or <code>make reports</code> "
                    "from a scheduler) makes one. Ad-hoc runs are listed below.</p>")
    else:
        latest = sched[0]
        states = history.latest_states(runs)
        nbs = [st.latest for st in states]
        n_ok = sum(nb.get("status") == "passed" for nb in nbs)
        noun = "analysis" if len(nbs) == 1 else "analyses"
        summary = f"{n_ok} of {len(nbs)} {noun} passed" if n_ok < len(nbs) else f"all {len(nbs)} {noun} passed"
        n_big = sum(any(w.startswith(OVER_BUDGET) for w in nb.get("warnings") or []) for nb in nbs)
        if n_big:
            summary += f" ({n_big} {'report' if n_big == 1 else 'reports'} over the size budget)"
        headlines = {st.name: [(h[0], h[1]) if not isinstance(h, str) else (h, h)
                               for h in st.latest.get("headline") or []] for st in states}
        titles = {st.name: st.latest.get("title") or st.name for st in states}
        changes = history.digest_lines(runs, headlines, titles, fmt=format_metric)
        body += [
            f"<p><strong>Latest scheduled run: {html.escape(latest.get('started_at', '?'))}</strong> — "
            f"{_status(latest['status'])} {html.escape(summary)} in "
            f"{format_duration(latest.get('duration_seconds'))}. <span class=\"muted\">Run "
            f"{html.escape(latest['folder'])}, profile {html.escape(str(latest.get('profile') or 'default'))}, "
            f"data {html.escape(str(latest.get('data_fingerprint')))}, "
            f"code {html.escape(str(latest.get('git_revision')))}</span></p>",
            "<h2>What changed since the previous scheduled run</h2><ul class=\"digest\">"
            + ("".join(f"<li>{html.escape(mask_pii(line))}</li>" for line in changes)
               or "<li>No headline figure changed.</li>") + "</ul>" if len(sched) > 1 or changes else "",
            '<div class="cards">' + "".join(_card(runs, st) for st in states) + "</div>",
        ]
    if other:
        body.append(_adhoc_table(other))
    if len(sched) > 1:
        rows = [f"<tr><td>{html.escape(run.get('started_at', '?'))}</td><td>{_status(run['status'])}</td>"
                f"<td>{format_duration(run.get('duration_seconds'))}</td>"
                f"<td>{html.escape(str(run.get('profile') or 'default'))}</td>"
                f"<td>{html.escape(str(run.get('data_fingerprint')))}</td><td>{_links(run)}</td></tr>"
                for run in sched[1:]]
        body.append("<h2>Earlier scheduled runs</h2><div class=\"scroll\"><table><tr><th>started (UTC)</th>"
                    "<th>status</th><th>duration</th><th>profile</th><th>data</th><th>reports</th></tr>"
                    + "".join(rows) + "</table></div>")
    return page(title, "\n".join(b for b in body if b))


def write_index(reports_root: Path) -> Path:
    """Write ``reports_root/index.html`` atomically from the published runs and return its path."""
    reports_root.mkdir(parents=True, exist_ok=True)
    target = reports_root / "index.html"
    tmp = reports_root / ".index.html.tmp"
    tmp.write_text(render_index(load_runs(reports_root)), encoding="utf-8")
    os.replace(tmp, target)
    return target
