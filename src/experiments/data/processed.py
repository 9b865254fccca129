"""The processed tables of a run are published together: staged, swapped in atomically, under a lock.

``data/processed`` is a symbolic link to one complete version folder, ``data/processed.versions/<id>/``. A
notebook that writes processed tables calls ``publish``, which

1. takes an exclusive lock (``data/.processed.lock``): a second writer waits up to ``wait_seconds`` and then stops
   with a message naming the lock and the process holding it;
2. builds a new version folder: hard links to the current version's files (kept unless ``replace_all``), then the
   new tables written as Parquet and the extra files, each fsync'ed;
3. swaps the ``data/processed`` link to it with one ``os.replace`` (atomic on POSIX), then removes versions
   beyond the newest ``KEEP_VERSIONS``.

A kill at any moment leaves ``data/processed`` pointing at the previous complete set (a half-built version folder
is removed by the next ``publish``). Readers see one consistent set: ``current_dir()`` resolves the link at a
process's first read and keeps that version for every later read of the process (a notebook never mixes two
versions while another process publishes), moving on only to a version the process publishes itself; the version is
printed in the run info.
A plain ``data/processed`` folder from before (or a user's) is first moved in as the initial version.

Each version records who published each of its tables in ``_provenance.json`` (``provenance()``): table ->
``run_id`` (the runner's run that executed the publishing notebook, found through the lock the runner holds while
the run is live, ``<reports>/.staging-<run_id>.lock``, which names its process id, the parent of the notebook's
kernel; empty when published outside the runner), ``published_at`` (UTC) and ``version``. Tables carried over from
the previous version keep their entries.

Where an analysis publishes is one rule (``results_folder``): the company world's tables go to ``data/processed``,
whose ``customer_id`` every later view joins on; a run on a flat table (a user's own file) goes to
``data/interim/flat/processed``, so it never replaces the company world's tables, and ``reports/`` never receives
row-level tables.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from experiments.data import paths

KEEP_VERSIONS = 3
VERSIONS_SUFFIX = ".versions"
PROVENANCE_FILE = "_provenance.json"


class ProcessedBusyError(RuntimeError):
    """Another run holds the processed-tables lock for longer than we were willing to wait."""


def versions_dir(processed: Path | None = None) -> Path:
    """Return the folder holding the versions of ``processed`` (``data/processed.versions``)."""
    p = processed or paths.processed_dir()
    return p.with_name(p.name + VERSIONS_SUFFIX)


_PINNED: dict[str, Path] = {}


def _live_dir(processed: Path) -> Path:
    """The version the link points at right now (a plain folder as is)."""
    return processed.resolve() if processed.is_symlink() else processed


def current_dir(processed: Path | None = None) -> Path:
    """Return the version folder this process reads: the link resolved at the first call and kept (see the module
    doc); a plain folder as is."""
    p = processed or paths.processed_dir()
    key = str(p.absolute())
    pinned = _PINNED.get(key)
    if pinned is None or not pinned.is_dir():
        pinned = _live_dir(p)
        if p.is_symlink():
            _PINNED[key] = pinned
    return pinned


def flat_dir() -> Path:
    """Return ``data/interim/flat/processed``: where runs on a flat table (``input_path`` given) publish."""
    return paths.interim_dir() / "flat" / "processed"


def results_folder(company_world: bool) -> Path:
    """Return where an analysis publishes: ``data/processed`` for the company world, else ``flat_dir()``."""
    return paths.processed_dir() if company_world else flat_dir()


def results_label(company_world: bool) -> str:
    """Return ``results_folder`` for a reader: relative to the project when inside it (``data/processed``)."""
    folder = results_folder(company_world)
    try:
        return str(folder.relative_to(paths.project_root()))
    except ValueError:
        return str(folder)


def publish_results(tables: Mapping[str, pd.DataFrame], *, company_world: bool) -> Path:
    """Publish an analysis's output ``tables`` into ``results_folder(company_world)`` (kept beside the tables
    already there, atomically, under the lock) and return the new version's folder.

    A table with a contract (``contracts.OUTPUT_SCHEMAS``) is validated first: a broken output stops with a
    ``ContractError`` naming the table, column and rows, and the previous version stays in place.
    """
    from experiments.data import contracts

    checked = {name: contracts.validate(df, name) if name in contracts.OUTPUT_SCHEMAS else df
               for name, df in tables.items()}
    return publish(checked, processed=results_folder(company_world))


@contextlib.contextmanager
def lock(processed: Path | None = None, wait_seconds: float = 600.0) -> Iterator[Path]:
    """Hold the exclusive processed-tables lock; raise ``ProcessedBusyError`` after ``wait_seconds``."""
    p = processed or paths.processed_dir()
    p.parent.mkdir(parents=True, exist_ok=True)
    lock_path = p.parent / f".{p.name}.lock"
    fh = lock_path.open("a+")
    deadline = time.monotonic() + wait_seconds
    announced = False
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    fh.seek(0)
                    holder = fh.read().strip() or "another process"
                    raise ProcessedBusyError(
                        f"{lock_path}: another run ({holder}) is writing the processed tables; waited "
                        f"{wait_seconds:.0f} s. Wait for it to finish, or stop it, and run again.") from None
                if not announced:
                    print(f"waiting for another run to finish writing {p} (lock {lock_path}) ...")
                    announced = True
                time.sleep(0.5)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        fh.flush()
        yield lock_path
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _adopt_plain_folder(processed: Path) -> None:
    """Move a plain ``processed`` folder in as the first version and point the link at it."""
    if processed.is_symlink() or not processed.exists():
        return
    vdir = versions_dir(processed)
    vdir.mkdir(parents=True, exist_ok=True)
    target = vdir / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-adopted-{os.getpid()}"
    os.rename(processed, target)
    os.symlink(os.path.relpath(target, processed.parent), processed)


def _write_table(df: pd.DataFrame, path: Path) -> None:
    df.to_parquet(path, index=False)
    _fsync_file(path)


def publish(tables: Mapping[str, pd.DataFrame], *, files: Mapping[str, bytes | str | Path] | None = None,
            replace_all: bool = False, processed: Path | None = None, wait_seconds: float = 600.0) -> Path:
    """Publish ``tables`` (name -> frame, written as ``<name>.parquet``) and ``files`` (relative path -> bytes, text
    or a file to copy) as one new version of the processed folder; return the new version's folder.

    With ``replace_all`` the new version holds only what is given (01 rewrites the whole customer-360, so derived
    tables of the old customer ids are not carried over); otherwise every other file of the current version is kept.
    """
    p = processed or paths.processed_dir()
    with lock(p, wait_seconds):
        _adopt_plain_folder(p)
        vdir = versions_dir(p)
        vdir.mkdir(parents=True, exist_ok=True)
        _remove_unpublished(p)
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}"
        staging = vdir / f".staging-{stamp}"
        staging.mkdir()
        current = _live_dir(p) if p.exists() else None
        replaced = {f"{name}.parquet" for name in tables} | set(files or {}) | {PROVENANCE_FILE}
        if current is not None and current.is_dir() and not replace_all:
            for src in current.rglob("*"):
                rel = src.relative_to(current)
                if src.is_file() and str(rel) not in replaced:
                    (staging / rel).parent.mkdir(parents=True, exist_ok=True)
                    os.link(src, staging / rel)
        for name, df in tables.items():
            _write_table(df, staging / f"{name}.parquet")
        for rel, content in (files or {}).items():
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, dest)
            elif isinstance(content, bytes):
                dest.write_bytes(content)
            else:
                dest.write_text(content, encoding="utf-8")
            _fsync_file(dest)
        _write_provenance(staging, current if current is not None and not replace_all else None, tables, stamp)
        final = vdir / stamp
        os.rename(staging, final)
        tmp_link = p.with_name(f".{p.name}.link-{stamp}")
        os.symlink(os.path.relpath(final, p.parent), tmp_link)
        os.replace(tmp_link, p)
        _PINNED[str(p.absolute())] = final  # this process reads what it published
        _prune(p, keep=final)
        return final


RUN_ID_ENV = "CIL_RUN_ID"
"""Environment variable the runner sets to its run id while it executes notebooks (their kernels inherit it)."""


def publishing_run_id() -> str:
    """The run id of the runner run that started this process: ``CIL_RUN_ID`` (set by the runner for its kernels),
    else the run whose ``<reports>/.staging-<run_id>.lock`` names this process's parent; empty outside a run."""
    if os.environ.get(RUN_ID_ENV):
        return os.environ[RUN_ID_ENV]
    owner = f"pid {os.getppid()}"
    for lock_file in paths.reports_dir().glob(".staging-*.lock"):
        with contextlib.suppress(OSError):
            if lock_file.read_text(encoding="utf-8").strip() == owner:
                return lock_file.name.removeprefix(".staging-").removesuffix(".lock")
    return ""


def provenance(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """Table -> ``{"run_id", "published_at", "version"}`` of the version ``folder`` (default ``current_dir()``);
    empty for a version published before provenance was recorded."""
    path = (folder or current_dir()) / PROVENANCE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_provenance(staging: Path, previous: Path | None, tables: Mapping[str, pd.DataFrame], stamp: str) -> None:
    """Write ``_provenance.json``: the previous version's entries of carried-over tables plus this publish's."""
    entries = {k: v for k, v in provenance(previous).items() if k not in tables} if previous is not None else {}
    entry = {"run_id": publishing_run_id(), "published_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S}",
             "version": stamp}
    entries |= {name: dict(entry) for name in tables}
    path = staging / PROVENANCE_FILE
    path.write_text(json.dumps(dict(sorted(entries.items())), indent=1), encoding="utf-8")
    _fsync_file(path)


def _remove_unpublished(processed: Path) -> None:
    """Remove staging folders and stray links left by a killed ``publish`` (we hold the lock)."""
    vdir = versions_dir(processed)
    for leftover in vdir.glob(".staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for link in processed.parent.glob(f".{processed.name}.link-*"):
        with contextlib.suppress(OSError):
            link.unlink()


def _prune(processed: Path, keep: Path) -> None:
    versions = sorted((d for d in versions_dir(processed).iterdir() if d.is_dir() and not d.name.startswith(".")),
                      key=lambda d: d.name)
    for old in versions[:-KEEP_VERSIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
