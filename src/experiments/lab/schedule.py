"""Which notebook of a run may start next: the runner's scheduler, kept apart from the kernels so it is easy to test.

A run executes up to ``jobs`` notebooks side by side (``jobs:`` in conf/runs.yaml, ``python -m experiments run
--jobs N``; 1 runs them one after another in dependency order, as before). A notebook is *ready* when every selected
notebook it ``depends_on`` or ``runs_after`` has finished; it is *skipped* (never started) when one it
``depends_on`` did not pass. Among the ready ones the runner starts first the one heading the longest remaining
chain of work (its own expected duration plus the longest chain of notebooks that wait for it: the "critical path"
list scheduling), with expected durations taken from the last run that executed each notebook, else the notebook's
``expected_seconds`` in conf/runs.yaml (a rough CPU cost at size large, for a first run), else 1 s; ties, and every
choice with ``jobs`` 1, follow the dependency order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from experiments.common.errors import ParameterError
from experiments.data import paths
from experiments.lab import config

JOBS_KEY = "jobs"
JOBS_BY_PROFILE_KEY = "jobs_by_profile"
#: expected duration of a notebook no earlier run executed (only its rank among the ready ones depends on it)
UNKNOWN_SECONDS = 1.0


def configured_jobs(conf_dir: Path | None = None, profile: str | None = None) -> int:
    """How many notebooks run side by side: ``jobs_by_profile:`` of conf/runs.yaml for ``profile`` when it names
    it, else ``jobs:``; 1 when the file sets neither."""
    runs = config.load_yaml((conf_dir or paths.conf_dir()) / "runs.yaml")
    by_profile = runs.get(JOBS_BY_PROFILE_KEY) or {}
    if profile is not None and profile in by_profile:
        return check_jobs(by_profile[profile], f"conf/runs.yaml {JOBS_BY_PROFILE_KEY}.{profile}")
    return check_jobs(runs.get(JOBS_KEY, 1), "conf/runs.yaml jobs")


def check_jobs(value: Any, origin: str) -> int:
    """``value`` as a whole number of at least 1, else a ``ParameterError`` naming ``origin``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"{origin} must be a whole number of at least 1 (notebooks run side by side), "
                             f"found {value!r}")
    return value


def prerequisites(specs: Mapping[str, config.NotebookSpec], order: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """notebook -> the selected notebooks it must wait for (``depends_on`` and ``runs_after``)."""
    chosen = set(order)
    return {n: tuple(d for d in (*specs[n].depends_on, *specs[n].runs_after) if d in chosen) for n in order}


def last_durations(runs: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """notebook -> its duration in seconds in the newest of ``runs`` (run.json records, newest first) that ran it."""
    out: dict[str, float] = {}
    for record in runs:
        for nb in record.get("notebooks") or []:
            seconds = nb.get("duration_seconds")
            if nb.get("name") not in out and nb.get("status") in ("passed", "failed") and seconds:
                out[nb["name"]] = float(seconds)
    return out


def priorities(specs: Mapping[str, config.NotebookSpec], order: Sequence[str],
               durations: Mapping[str, float]) -> dict[str, float]:
    """notebook -> its expected duration plus the longest chain of selected notebooks waiting for it (seconds);
    ``durations`` (the last run's) win over each spec's ``expected_seconds``."""
    prereq = prerequisites(specs, order)
    waiting: dict[str, list[str]] = {n: [] for n in order}
    for n, before in prereq.items():
        for d in before:
            waiting[d].append(n)
    level: dict[str, float] = {}
    for n in reversed(order):  # dependency order: everything waiting for n comes later
        expected = durations.get(n) or specs[n].expected_seconds or UNKNOWN_SECONDS
        level[n] = expected + max((level[w] for w in waiting[n]), default=0.0)
    return level


def next_ready(pending: Sequence[str], finished: set[str], prereq: Mapping[str, tuple[str, ...]],
               rank: Mapping[str, float] | None) -> str | None:
    """The pending notebook to consider next: ready (all its prerequisites finished), the highest ``rank`` first,
    ties in the order of ``pending``; None when none is ready. ``rank`` None: the first ready one in order."""
    ready = [n for n in pending if all(d in finished for d in prereq[n])]
    if not ready:
        return None
    if rank is None:
        return ready[0]
    return max(ready, key=lambda n: (rank[n], -pending.index(n)))


__all__ = ["JOBS_KEY", "check_jobs", "configured_jobs", "last_durations", "next_ready", "prerequisites",
           "priorities"]
