"""The benchmark report: cost against world size on log-log axes, per notebook, from bench/results/main_<size>*.json.

Reads the per-notebook figures ``bench_main.py --isolated`` wrote (``main_<size>_isolated.json``; an older
``main_<size>.json`` of that shape too) and the whole scheduled run of ``bench_main.py`` (``main_<size>.json``:
one command, notebooks side by side, with its critical path), and writes one offline HTML
page in the lab's report style (``experiments.lab.report.render.page``: same shell and stylesheet, charts embedded as
SVG): wall time, CPU time and peak memory of the process tree against the world's order lines, one line per notebook
(and the generator), on log-log axes with a dotted "linear" guide, plus the figures as tables and each notebook's
growth exponent between the two largest sizes measured (1 = linear: 10x the lines, 10x the cost). The load average
of each size's run is shown beside its figures (wall times on shared cores are upper bounds; CPU times are not).

    .venv/bin/python bench/report.py                      # -> bench/results/index.html
    .venv/bin/python bench/report.py --out /tmp/bench.html
"""

from __future__ import annotations

import argparse
import html
import io
import json
import math
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common as bc  # noqa: E402

from experiments.lab.report.render import page  # noqa: E402

SIZE_ORDER = ("tiny", "small", "medium", "large", "xlarge")
MEASURES = (("wall_seconds", "Wall time (s)"), ("cpu_seconds", "CPU time of the process tree (s)"),
            ("peak_rss_mb", "Peak memory of the process tree (MB)"))
#: the issue's target for the whole scheduled run at size large on this machine
LARGE_TARGET_SECONDS = 240
#: the issue's targets at size xlarge: wall seconds and peak MB of the process tree
XLARGE_TARGET_SECONDS, XLARGE_TARGET_MB = 2400, 12_000


def target_text(size: str, whole: dict) -> str:
    """Whether the whole run meets the issue's target at ``size`` ("" for sizes without one)."""
    if size == "large":
        ok = whole["wall_seconds"] <= LARGE_TARGET_SECONDS
        return f"{'met' if ok else 'NOT met'}: wall ≤ {LARGE_TARGET_SECONDS} s"
    if size == "xlarge":
        ok = whole["wall_seconds"] <= XLARGE_TARGET_SECONDS and whole["peak_rss_mb"] <= XLARGE_TARGET_MB
        return f"{'met' if ok else 'NOT met'}: wall ≤ {XLARGE_TARGET_SECONDS} s and peak ≤ {XLARGE_TARGET_MB:,} MB"
    return ""


def load_results(folder: Path) -> list[dict]:
    """Per size, smallest world first: the per-notebook figures (``main_<size>_isolated.json``, or an older
    ``main_<size>.json`` of that shape) with the whole scheduled run (``main_<size>.json`` of ``--whole``) as
    ``whole`` when measured; sizes with neither per-notebook figures nor a whole run are left out."""
    out = []
    for size in SIZE_ORDER:
        found = {}
        for name in (f"main_{size}.json", f"main_{size}_isolated.json"):
            path = folder / name
            if path.exists():
                result = json.loads(path.read_text(encoding="utf-8"))
                if result.get("order_lines") and ("notebooks" in result or "whole" in result):
                    found[name] = result
        merged = found.get(f"main_{size}_isolated.json") or found.get(f"main_{size}.json")
        if merged is None:
            continue
        whole = found.get(f"main_{size}.json", {}).get("whole")
        per_kernel = from_whole(whole)
        if per_kernel:  # a whole run that measured each kernel: its notebooks are the per-notebook figures
            merged = dict(merged, notebooks=per_kernel,
                          run_notebooks={"wall_seconds": round(sum(f["wall_seconds"] for f in per_kernel.values()), 1),
                                         "peak_rss_mb": max(f["peak_rss_mb"] for f in per_kernel.values())},
                          load_average_1min=whole["load_average_1min_after"])
        elif "notebooks" not in merged:  # an older whole run only: no per-notebook figures
            merged = dict(merged, notebooks={}, run_notebooks={})
        out.append(dict(merged, whole=whole) if whole else merged)
    return out


def from_whole(whole: dict | None) -> dict[str, dict]:
    """Per-notebook figures of a whole run that recorded each kernel's peak (``kernel_peak_rss_mb``): wall seconds
    (the notebook's duration) and the kernel's peak MB; no CPU per notebook (the tree's CPU is the run's). Empty for
    runs without kernel peaks."""
    notebooks = (whole or {}).get("notebooks") or {}
    if not notebooks or any(nb.get("kernel_peak_rss_mb") is None for nb in notebooks.values()):
        return {}
    return {name: {"wall_seconds": nb["duration_seconds"], "peak_rss_mb": nb["kernel_peak_rss_mb"]}
            for name, nb in notebooks.items() if nb.get("duration_seconds") is not None}


def whole_table(results: list[dict]) -> str:
    """The scheduled run as one command (``bench_main.py --whole``), per size: wall, CPU, peak, jobs, critical path."""
    rows = []
    for r in results:
        w = r.get("whole")
        if not w:
            continue
        if w.get("jobs", 1) > 1:
            path = " → ".join(w.get("critical_path") or []) + f" ({w.get('critical_path_seconds', '')} s)"
        else:
            path = "one at a time (jobs 1)"
        rows.append(f"<tr><td>{html.escape(r['size'])}</td><td>{w['jobs']}</td><td><b>{w['wall_seconds']}</b></td>"
                    f"<td>{w['cpu_seconds']}</td><td>{w['peak_rss_mb']}</td><td>{w.get('sum_of_notebook_seconds', '')}"
                    f"</td><td>{html.escape(path)}</td>"
                    f"<td>{w['load_average_1min_before']} → {w['load_average_1min_after']}</td>"
                    f"<td>{html.escape(target_text(r['size'], w))}</td></tr>")
    if not rows:
        return ""
    return ("<h2>The scheduled run as one command</h2><p><code>python -m experiments run --profile &lt;size&gt;"
            "</code>, its notebooks side by side (<code>jobs</code>; conf/runs.yaml <code>jobs_by_profile</code> "
            f"runs xlarge one at a time for memory); the targets: at large {LARGE_TARGET_SECONDS} s of wall time, at "
            f"xlarge {XLARGE_TARGET_SECONDS} s and {XLARGE_TARGET_MB:,} MB of peak memory, world generation not "
            "included.</p>"
            "<table><thead><tr><th>size</th><th>jobs</th><th>wall s</th><th>CPU s (process tree)</th>"
            "<th>peak MB (process tree)</th><th>notebook seconds (sum)</th><th>critical path</th>"
            "<th>load (1 min)</th><th>target</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def series(results: list[dict]) -> dict[str, list[tuple[int, dict]]]:
    """step name -> [(order lines, figures)] over the sizes measured (the generator as ``generate``)."""
    steps: dict[str, list[tuple[int, dict]]] = {}
    for r in results:
        for name, figures in {"generate": r.get("generate"), **r["notebooks"]}.items():
            if not figures:  # a run on the cached world generated nothing
                continue
            steps.setdefault(name, []).append((r["order_lines"], figures))
    return steps


def exponent(points: list[tuple[int, dict]], key: str) -> float | None:
    """Growth exponent of ``key`` between the two largest worlds (log cost / log lines); None with one size."""
    pts = [(x, f[key]) for x, f in points if f.get(key)]
    if len(pts) < 2 or pts[-1][0] == pts[-2][0] or pts[-2][1] <= 0:
        return None
    (x0, y0), (x1, y1) = pts[-2], pts[-1]
    return math.log(y1 / y0) / math.log(x1 / x0)


def chart(results: list[dict], steps: dict[str, list[tuple[int, dict]]], key: str, label: str) -> str:
    """One log-log chart of ``key`` against order lines, a line per step and the whole run's; inline SVG."""
    fig, ax = plt.subplots(figsize=(9, 5.6))
    ax.set_prop_cycle(color=plt.get_cmap("tab20").colors)
    whole = [(r["order_lines"], r["run_notebooks"].get(key)) for r in results if r["run_notebooks"].get(key)]
    if whole:
        ax.plot([x for x, _ in whole], [y for _, y in whole], color="black", lw=2.2, marker="s",
                label="all notebooks (max)" if key == "peak_rss_mb" else "all notebooks (sum)")
    one = [(r["order_lines"], r["whole"].get(key)) for r in results if (r.get("whole") or {}).get(key)]
    if one:
        ax.plot([x for x, _ in one], [y for _, y in one], color="black", lw=2.2, ls="--", marker="D",
                label="the scheduled run as one command")
    for name, points in steps.items():
        pts = [(x, f[key]) for x, f in points if f.get(key)]
        if pts:
            ax.plot([x for x, _ in pts], [y for _, y in pts], marker="o", label=name)
    xs = sorted({x for points in steps.values() for x, _ in points})
    ys = [f[key] for points in steps.values() for _, f in points if f.get(key)]
    if len(xs) > 1 and ys:
        y0 = min(ys)
        ax.plot(xs, [y0 * x / xs[0] for x in xs], ":", color="grey", label="linear (slope 1)")
    if key == "wall_seconds":
        ax.axhline(LARGE_TARGET_SECONDS, color="firebrick", lw=0.8, ls="--", label="4 min (target for the whole "
                   "run at large)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("order lines in the world (log)")
    ax.set_ylabel(f"{label} (log)")
    ax.set_title(f"{label} against world size, per notebook")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]


def table(results: list[dict], steps: dict[str, list[tuple[int, dict]]], key: str) -> str:
    """The figures of ``key`` as an HTML table: a row per step, a column per size, and the growth exponent."""
    head = "".join(f"<th>{html.escape(r['size'])}<br>{r['order_lines']:,} lines<br>load {r['load_average_1min']}"
                   f"</th>" for r in results)
    rows = []
    for name, points in steps.items():
        by_x = {x: f.get(key) for x, f in points}
        cells = "".join(f"<td>{'' if by_x.get(r['order_lines']) is None else by_x[r['order_lines']]}</td>"
                        for r in results)
        e = exponent(points, key)
        rows.append(f"<tr><td>{html.escape(name)}</td>{cells}<td>{'' if e is None else f'{e:.2f}'}</td></tr>")
    totals = "".join(f"<td><b>{r['run_notebooks'].get(key, '')}</b></td>" for r in results)
    ones = "".join(f"<td><b>{(r.get('whole') or {}).get(key, '')}</b></td>" for r in results)
    label = "all notebooks (sum)" if key != "peak_rss_mb" else "all notebooks (max)"
    return (f"<table><thead><tr><th>step</th>{head}<th>growth exponent, two largest sizes</th></tr></thead>"
            f"<tbody>{''.join(rows)}<tr><td><b>{label}</b></td>{totals}<td></td></tr>"
            f"<tr><td><b>the scheduled run as one command</b></td>{ones}<td></td></tr></tbody></table>")


def render(results: list[dict]) -> str:
    """The whole page."""
    steps = series(results)
    parts = ["<h1>Benchmarks: cost of the scheduled run against world size</h1>",
             "<p>Each notebook runs alone (<code>python -m experiments run &lt;nb&gt; --profile &lt;size&gt;</code>) "
             "on the world <code>data generate --size &lt;size&gt;</code> made; figures from "
             "<code>bench/bench_main.py</code> (bench/results/main_&lt;size&gt;.json). Wall times were taken on 2 "
             "cores shared with other work (the 1-minute load average is in each column's head), so read them as "
             "upper bounds; CPU time (user + system of the process tree) does not depend on the load. A growth "
             "exponent of 1 is linear: ten times the order lines, ten times the cost. Where the whole scheduled run "
             "recorded each kernel (<code>kernel_peak_rss_mb</code>: large and xlarge), its notebooks are the points "
             "instead: wall time is the notebook's duration in that run, peak memory its kernel's, and there is no CPU "
             "time per notebook.</p>"]
    if not results:
        parts.append("<p>No per-notebook results yet: run <code>bench/bench_main.py --size small</code>.</p>")
        return page("Benchmarks", "\n".join(parts))
    parts.append(whole_table(results))
    for key, label in MEASURES:
        parts.append(f"<h2>{html.escape(label)}</h2>")
        parts.append(f'<div class="figure">{chart(results, steps, key, label)}</div>')
        parts.append(table(results, steps, key))
    return page("Benchmarks", "\n".join(parts))


def markdown(results: list[dict]) -> str:
    """The figures as a Markdown table (docs/scale.md): per step and size, wall s / CPU s / peak MB."""
    head = " | ".join(f"{r['size']} ({r['order_lines']:,} lines, load {r['load_average_1min']})" for r in results)
    lines = [f"| step | {head} |", "|---" * (len(results) + 1) + "|"]
    rows = [(name, {x: f for x, f in points}) for name, points in series(results).items()]
    rows.append(("all notebooks (sum; peak: max)", {r["order_lines"]: r["run_notebooks"] for r in results
                                                    if r["run_notebooks"]}))
    rows.append(("the scheduled run as one command", {r["order_lines"]: r["whole"] for r in results if r.get("whole")}))
    for name, by_x in rows:
        cells = []
        for r in results:
            f = by_x.get(r["order_lines"])
            cells.append("" if f is None else f"{f['wall_seconds']} / {f.get('cpu_seconds', '')} / {f['peak_rss_mb']}")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n\nEach cell: wall seconds / CPU seconds / peak MB of the process tree.\n"


def main(argv: list[str] | None = None) -> Path:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--results", type=Path, default=bc.results_dir(), help="folder of main_<size>.json")
    ap.add_argument("--out", type=Path, default=None, help="HTML file (default: <results>/index.html)")
    ap.add_argument("--markdown", action="store_true", help="also print the figures as a Markdown table")
    args = ap.parse_args(argv)
    if args.markdown:
        print(markdown(load_results(args.results)))
    out = args.out or args.results / "index.html"
    out.write_text(render(load_results(args.results)), encoding="utf-8")
    print(out)
    return out


if __name__ == "__main__":
    main()
