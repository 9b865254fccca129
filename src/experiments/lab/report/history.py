"""What the published runs say over time: scheduled vs ad-hoc runs, the latest scheduled result of each analysis,
each headline figure's trend and what changed since the previous scheduled run, and which run folders to keep.

Everything here is a pure function of the ``run.json`` records (``index.load_runs``), newest first; the index page
(``index.render_index``), the run's ``digest.md`` and retention (``runner``) all read the same answers.

- A **scheduled** run is the whole ``conf/runs.yaml`` set on the configured inputs (the company world, or a
  production input set in ``conf/params`` ``base``): no notebook named on the command line, no ``-p`` override, and
  no profile but a world size (``tiny`` ... ``large``; a profile such as ``telco`` points a notebook at another
  file). Anything else is **ad-hoc** (a data scientist trying a file or a parameter). The runner records the kind
  in ``run.json`` (``--kind`` on the command line overrides the rule); older records are classified by the rule.
- A figure's **usual change** is the root mean square of its run-to-run changes over the earlier scheduled runs
  (at least ``MIN_CHANGES_FOR_SPREAD`` of them); a change larger than ``UNUSUAL_SPREADS`` times that is unusual
  (a figure that grows by the same step every week is not flagged for growing by that step again).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SCHEDULED, ADHOC = "scheduled", "adhoc"
#: Scheduled runs a headline trend shows (the front page's default).
TREND_RUNS = 12
MIN_CHANGES_FOR_SPREAD = 3
UNUSUAL_SPREADS = 2.0
#: Suffix pairs of a figure's interval in metrics.json (``lift`` -> ``lift_low`` / ``lift_high``).
INTERVAL_SUFFIXES = (("_low", "_high"), ("_ci_low", "_ci_high"), ("_lower", "_upper"))


def input_files(run: Mapping[str, Any]) -> list[str]:
    """The ``input_path`` values the run's notebooks read (empty for the company world)."""
    found = []
    for nb in run.get("notebooks") or []:
        path = str((nb.get("parameters") or {}).get("input_path") or "").strip()
        if path and path not in found:
            found.append(path)
    return found


#: Profiles that name a world size: a run with one of them is still the scheduled set.
SIZE_PROFILES = ("tiny", "small", "medium", "large", "xlarge")


def classify(names: Iterable[str], cli_overrides: Iterable[Any], profile: str | None) -> str:
    """Return ``scheduled`` or ``adhoc`` for a run of the named notebooks (see the module doc)."""
    if list(names) or list(cli_overrides) or (profile not in (None, "", *SIZE_PROFILES)):
        return ADHOC
    return SCHEDULED


def kind_of(run: Mapping[str, Any]) -> str:
    """The run's kind as recorded, or by the module's rule for records written before kinds existed."""
    if run.get("kind") in (SCHEDULED, ADHOC):
        return str(run["kind"])
    return classify(run.get("selected") or [], run.get("cli_overrides") or [], run.get("profile"))


def scheduled(runs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The scheduled runs of ``runs`` (order kept)."""
    return [r for r in runs if kind_of(r) == SCHEDULED]


def adhoc(runs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The ad-hoc runs of ``runs`` (order kept)."""
    return [r for r in runs if kind_of(r) == ADHOC]


def _notebook(run: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    return next((nb for nb in run.get("notebooks") or [] if nb.get("name") == name), None)


@dataclass
class AnalysisState:
    """One analysis on the front page: its latest scheduled attempt and the latest one that passed."""

    name: str
    latest_run: Mapping[str, Any]
    latest: Mapping[str, Any]  # the notebook's record in latest_run
    good_run: Mapping[str, Any] | None = None  # newest scheduled run in which it passed (may be latest_run)
    good: Mapping[str, Any] | None = None

    @property
    def stale(self) -> bool:
        """True when the figures shown come from an earlier run than the latest attempt."""
        return self.good_run is not None and self.good_run.get("folder") != self.latest_run.get("folder")


def latest_states(runs: list[Mapping[str, Any]], order: Iterable[str] = ()) -> list[AnalysisState]:
    """Return each analysis's state over the scheduled ``runs`` (newest first), in ``order`` then first-seen order."""
    sched = scheduled(runs)
    names = list(order)
    for run in sched:
        names += [nb["name"] for nb in run.get("notebooks") or [] if nb["name"] not in names]
    states = []
    for name in names:
        attempts = [(r, nb) for r in sched if (nb := _notebook(r, name)) is not None]
        if not attempts:
            continue
        state = AnalysisState(name=name, latest_run=attempts[0][0], latest=attempts[0][1])
        passed = next(((r, nb) for r, nb in attempts if nb.get("status") == "passed"), None)
        if passed:
            state.good_run, state.good = passed
        states.append(state)
    return states


def interval(metrics: Mapping[str, Any], key: str) -> tuple[float, float] | None:
    """The figure's interval from metrics.json (``key_low``/``key_high`` and the like), or None."""
    for lo, hi in INTERVAL_SUFFIXES:
        a, b = metrics.get(key + lo), metrics.get(key + hi)
        if _number(a) and _number(b):
            return float(a), float(b)
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def series(runs: list[Mapping[str, Any]], name: str, key: str, limit: int = TREND_RUNS) -> list[tuple[str, Any]]:
    """``[(started_at, value), ...]`` of one figure over the last ``limit`` scheduled runs where the analysis
    passed, oldest first."""
    out = []
    for run in scheduled(runs):
        nb = _notebook(run, name)
        if nb and nb.get("status") == "passed" and key in (nb.get("metrics") or {}):
            out.append((str(run.get("started_at", "")), nb["metrics"][key]))
        if len(out) == limit:
            break
    return out[::-1]


@dataclass
class Change:
    """A headline figure now against the previous scheduled run that has it."""

    name: str
    key: str
    label: str
    now: Any
    before: Any
    unusual: bool = False
    history: list[Any] = field(default_factory=list)

    @property
    def numeric(self) -> bool:
        return _number(self.now) and _number(self.before)

    @property
    def relative(self) -> float | None:
        if not self.numeric or self.before == 0:
            return None
        return (float(self.now) - float(self.before)) / abs(float(self.before))


def change(runs: list[Mapping[str, Any]], name: str, key: str, label: str) -> Change | None:
    """The figure's change between its two newest scheduled values, or None with fewer than two."""
    values = [v for _, v in series(runs, name, key, limit=TREND_RUNS + 1)]
    if len(values) < 2:
        return None
    ch = Change(name=name, key=key, label=label, now=values[-1], before=values[-2], history=values)
    if ch.numeric and all(_number(v) for v in values):
        diffs = [b - a for a, b in zip(values[:-2], values[1:-1], strict=True)]
        if len(diffs) >= MIN_CHANGES_FOR_SPREAD:
            spread = math.sqrt(statistics.fmean(d * d for d in diffs))
            step = abs(values[-1] - values[-2])
            ch.unusual = step > UNUSUAL_SPREADS * spread if spread > 0 else step > 0
    return ch


def _plain(_key: str, value: Any) -> str:
    return str(value)


def describe(ch: Change, fmt: Any = _plain) -> str | None:
    """One line in words for a change that moved (None when the figure did not move); ``fmt(key, value)``."""
    if ch.now == ch.before:
        return None
    if ch.numeric:
        way = "up" if float(ch.now) > float(ch.before) else "down"
        rel = ch.relative
        amount = f"{abs(rel):.0%}" if rel is not None and abs(rel) >= 0.005 else \
            f"by {fmt(ch.key, abs(ch.now - ch.before))}"
        return f"{ch.label}: {fmt(ch.key, ch.now)}, {way} {amount} (was {fmt(ch.key, ch.before)})" + (
            " — larger than its usual run-to-run change" if ch.unusual else "")
    return f"{ch.label}: changed from {fmt(ch.key, ch.before)} to {fmt(ch.key, ch.now)}"


def digest_lines(runs: list[Mapping[str, Any]], headlines: Mapping[str, list[tuple[str, str]]],
                 titles: Mapping[str, str], fmt: Any = _plain) -> list[str]:
    """What changed since the previous scheduled run, in words: failures first, then every moved headline."""
    lines = []
    states = latest_states(runs, headlines)
    for st in states:
        title = titles.get(st.name) or st.name
        if st.latest.get("status") != "passed":
            since = f"; figures shown are from {st.good_run.get('started_at')}" if st.stale and st.good_run else ""
            lines.append(f"{title}: {st.latest.get('status')} in the latest run{since}")
    for st in states:
        title = titles.get(st.name) or st.name
        for key, label in headlines.get(st.name, []):
            ch = change(runs, st.name, key, f"{title} — {label}")
            text = describe(ch, fmt) if ch else None
            if text:
                lines.append(text)
    return lines


def digest_markdown(run: Mapping[str, Any], lines: list[str]) -> str:
    """The run's digest.md: a heading and the lines as a list (plain text a scheduler can mail)."""
    run_id = run.get("folder") or run.get("run_id")
    head = f"# Customer Insights Lab: {run.get('started_at', '')} ({kind_of(run)} run {run_id})"
    body = "\n".join(f"- {line}" for line in lines) if lines else "- No headline figure changed since the last run."
    return f"{head}\n\nWhat changed since the previous scheduled run:\n\n{body}\n"


def folders_to_remove(runs: list[Mapping[str, Any]], keep_scheduled: int, keep_adhoc: int) -> list[str]:
    """Run folders beyond the newest ``keep_scheduled`` scheduled and ``keep_adhoc`` ad-hoc runs, never the last
    good scheduled run of any analysis (nor its latest attempt)."""
    keep = {r["folder"] for r in scheduled(runs)[:max(keep_scheduled, 1)]}
    keep |= {r["folder"] for r in adhoc(runs)[:max(keep_adhoc, 0)]}
    for st in latest_states(runs):
        keep.add(st.latest_run["folder"])
        if st.good_run is not None:
            keep.add(st.good_run["folder"])
    return [r["folder"] for r in runs if r["folder"] not in keep]
