"""Run notebooks with papermill, in-process, each in a fresh kernel, and publish their reports atomically.

``run()`` validates every notebook's parameters before executing any, executes the selected notebooks in dependency
order (a failed one marks its dependents skipped and leaves independent ones running), renders each to HTML with
code hidden, and writes everything into a hidden staging folder that is renamed into ``reports/<run-id>/`` only when
the run is complete; ``reports/index.html`` is rewritten after that. A crash mid-run therefore leaves the previous
reports and index untouched.

Ending a run: SIGTERM or SIGINT kills the run's kernel, removes its staging folder and raises ``RunInterrupted``
(the CLI exits with 128 + the signal number). A staging folder is locked (``.staging-<id>.lock``, ``flock``) while its
run lives, so one left by a harder kill (SIGKILL, power loss) is removed by the next run, never a live one. Kernels
are started with ``PR_SET_PDEATHSIG`` (Linux): jupyter_client puts each kernel in a session of its own, so a kill of
the runner's process group would not reach it; the kernel is killed by the OS when the runner dies, however it dies.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import signal
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import papermill as pm
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.paths import jupyter_runtime_dir

from experiments.common.masking import mask_pii
from experiments.data import paths, processed
from experiments.lab import config, roles, schedule
from experiments.lab.metrics import read_metrics
from experiments.lab.notebook import fingerprint, git_revision
from experiments.lab.report import history
from experiments.lab.report.index import OVER_BUDGET, RUN_FILE, format_metric, load_runs, write_index
from experiments.lab.report.render import MAX_REPORT_BYTES, render_notebook_html
from experiments.lab.report.scrub import scrub, scrub_folder, scrub_text

KERNEL_NAME = "cil"
_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
_KERNEL_MANAGERS: weakref.WeakSet[LocalKernelManager] = weakref.WeakSet()


class RunInterrupted(KeyboardInterrupt):
    """The run was stopped by a signal (SIGTERM or SIGINT); its staging folder and kernel are gone."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"run interrupted by {signal.Signals(signum).name}")


@dataclass
class NotebookResult:
    """What happened to one notebook in a run."""

    name: str
    title: str
    status: str  # passed, failed, skipped
    parameters: dict[str, Any] = field(default_factory=dict)
    duration_seconds: float | None = None
    error: str = ""
    html: str = ""
    ipynb: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    headline: list[list[str]] = field(default_factory=list)  # [key, label] pairs shown on the index
    report_bytes: int | None = None
    warnings: list[str] = field(default_factory=list)  # shown as badges on the index, e.g. the size budget
    started_seconds: float | None = None  # when it started, in seconds after the run started (side by side: overlap)


class LocalKernelManager(AsyncKernelManager):
    """A kernel manager talking to the kernel over local IPC sockets rather than TCP.

    The kernel never listens on a network port, and ipykernel's "running over TCP without encryption" warning
    no longer fills every run's log. The socket files live in Jupyter's runtime folder and are removed at shutdown.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        runtime = Path(jupyter_runtime_dir())
        runtime.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("ip", str(runtime / f"cil-kernel-{os.getpid()}-{time.monotonic_ns()}"))
        super().__init__(**kwargs)
        _KERNEL_MANAGERS.add(self)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """Launch the kernel so that it dies with this process (see ``_die_with_parent``)."""
        if _LIBC is not None:
            kw.setdefault("preexec_fn", _die_with_parent(os.getpid()))
        await super()._async_launch_kernel(kernel_cmd, **kw)


def _die_with_parent(parent_pid: int) -> Callable[[], None]:
    """Return a ``preexec_fn`` that asks Linux to SIGKILL the child when its parent (the runner) dies."""

    def preexec() -> None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent_pid:  # the runner died before prctl took effect
            os._exit(1)

    return preexec


def kill_kernels() -> int:
    """Kill every kernel this process started that is still running, wait for it, and return how many there were.

    Safe to call from a signal handler (no awaiting): the kernel process is killed and reaped directly.
    """
    killed = 0
    for km in list(_KERNEL_MANAGERS):
        process = getattr(km.provisioner, "process", None) if km.provisioner is not None else None
        if process is None or process.poll() is not None:
            continue
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(Exception):
            process.wait(timeout=10)
        killed += 1
    return killed


def remove_stale_kernel_files(runtime: Path | None = None) -> list[str]:
    """Remove the kernel sockets and connection files a killed runner left in Jupyter's runtime folder.

    Our kernels' IPC sockets are named ``cil-kernel-<runner pid>-...`` (``LocalKernelManager``); a file of a runner
    that no longer lives, and a ``kernel-*.json`` connection file pointing at such sockets, is removed. Files of a
    live runner (another run in progress) are left alone. Returns the names removed.
    """
    runtime = runtime or Path(jupyter_runtime_dir())
    removed = []
    for path in runtime.glob("*") if runtime.is_dir() else []:
        target = path.name
        if path.name.startswith("kernel-") and path.suffix == ".json":
            try:
                target = Path(str(json.loads(path.read_text(encoding="utf-8")).get("ip", ""))).name
            except (OSError, ValueError):
                continue
        parts = target.split("-")
        if not target.startswith("cil-kernel-") or len(parts) < 3 or not parts[2].isdigit():
            continue
        if _alive(int(parts[2])):
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path.name)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dependency_order(specs: Mapping[str, config.NotebookSpec], selected: Iterable[str]) -> list[str]:
    """Return ``selected`` in an order where every notebook comes after the selected ones it depends on or
    ``runs_after``."""
    selected = list(dict.fromkeys(selected))
    order: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in order:
            return
        if name in visiting:
            raise config.ParameterError(f"conf/runs.yaml: dependency cycle through {name!r}")
        visiting.add(name)
        for dep in (*specs[name].depends_on, *specs[name].runs_after):
            if dep in selected:
                visit(dep)
        visiting.discard(name)
        order.append(name)

    for name in selected:
        visit(name)
    return order


def _environment() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit warns and slows down otherwise
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")


def execute_notebook(name: str, parameters: Mapping[str, Any], output_dir: Path, *, timeout_seconds: int = 900,
                     notebook_path: Path | None = None, progress: bool = False) -> dict[str, Any]:
    """Execute one notebook with ``parameters`` into ``output_dir`` and return its metrics.json as a dict.

    The parameters are validated against the notebook's parameters cell first (``config.ParameterError``);
    ``output_dir`` is injected so the notebook writes metrics.json there, and the executed notebook is saved as
    ``output_dir/<name>.ipynb`` even when a cell fails (papermill's ``PapermillExecutionError`` is raised then).
    ``timeout_seconds`` limits each cell.
    """
    _environment()
    path = notebook_path or paths.notebooks_dir() / f"{name}.ipynb"
    if not path.is_file():
        raise config.ParameterError(f"no notebook {name!r} at {path}")
    params = config.validate(name, config.notebook_defaults(path), parameters, "the caller")
    output_dir.mkdir(parents=True, exist_ok=True)
    params["output_dir"] = str(output_dir)
    pm.execute_notebook(str(path), str(output_dir / f"{name}.ipynb"), parameters=params, kernel_name=KERNEL_NAME,
                        cwd=str(paths.project_root()), progress_bar=progress, execution_timeout=timeout_seconds,
                        report_mode=False, kernel_manager_class=LocalKernelManager)
    return read_metrics(output_dir)


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, pm.PapermillExecutionError):
        return f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"[:600]
    return f"{type(exc).__name__}: {exc}"[:600]


def _new_run_id(reports_root: Path) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    run_id, n = stamp, 1
    while any((reports_root / f"{prefix}{run_id}{suffix}").exists()
              for prefix, suffix in (("", ""), (".staging-", ""), (".staging-", ".lock"))):
        n += 1
        run_id = f"{stamp}-{n}"
    return run_id


def _lock_staging(staging: Path) -> Any:
    """Create and flock ``<staging>.lock``; the open file is the proof that the run owning ``staging`` is alive."""
    fh = staging.with_name(staging.name + ".lock").open("w")
    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    fh.write(f"pid {os.getpid()}\n")
    fh.flush()
    return fh


def _release_staging(staging: Path, fh: Any) -> None:
    """Remove ``staging`` (if still there) and its lock; SIGTERM/SIGINT wait until this is done."""
    blocked = {signal.SIGTERM, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError):
            staging.with_name(staging.name + ".lock").unlink()
        fh.close()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def remove_stale_staging(reports_root: Path) -> list[str]:
    """Remove the ``.staging-*`` folders under ``reports_root`` whose run is gone and return their names.

    A folder belongs to a live run while another process holds the flock of its ``.lock`` file (released by the
    kernel however that process ended); such folders are left alone.
    """
    removed = []
    for item in sorted(reports_root.glob(".staging-*")):
        if item.name.endswith(".lock"):
            if not item.with_name(item.name[: -len(".lock")]).exists():
                with contextlib.suppress(OSError), item.open("a") as fh:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    item.unlink()
            continue
        lock_path = item.with_name(item.name + ".lock")
        with contextlib.suppress(OSError), lock_path.open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError (skipped): a live run holds it
            shutil.rmtree(item, ignore_errors=True)
            lock_path.unlink()
            removed.append(item.name)
    return removed


@contextlib.contextmanager
def _signals_end_the_run() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGINT kill the kernels and raise ``RunInterrupted`` (main thread only).

    A second signal during the clean-up is recorded but ignored, so the clean-up is not cut short.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def handler(signum: int, _frame: Any) -> None:
        if fired:
            return
        fired.append(signum)
        kill_kernels()
        raise RunInterrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        kill_kernels()
        for sig, old in previous.items():
            signal.signal(sig, old)


def run(names: Iterable[str] = (), profile: str | None = None, cli_overrides: Iterable[str] = (),
        reports_root: Path | None = None, log: Callable[[str], None] = print,
        before_publish: Callable[[Path], None] | None = None, kind: str | None = None,
        jobs: int | None = None) -> dict[str, Any]:
    """Run the named notebooks (all scheduled ones when empty) and publish the run; return its run.json content.

    ``jobs``: how many notebooks run side by side (None: ``jobs:`` of conf/runs.yaml; 1: one after another).

    Raises ``config.ParameterError`` before executing anything when a name, parameter or type is wrong.
    ``before_publish`` is a hook for tests (called with the staging folder just before the atomic rename).
    ``kind`` is ``scheduled`` or ``adhoc`` (``report.history``); None classifies the run by its selection,
    overrides and inputs. A scheduled run writes ``digest.md`` (what changed since the previous scheduled run);
    after a publish, run folders beyond ``keep_runs`` (conf/runs.yaml) are removed, never the last good run of any
    analysis.
    """
    _environment()
    specs = config.load_runs()
    selected = list(names) or list(specs)
    unknown = [n for n in selected if n not in specs]
    if unknown:
        raise config.ParameterError(f"unknown notebook(s) {', '.join(unknown)}; scheduled: {', '.join(specs)}")
    order = dependency_order(specs, selected)
    config.check_profile([specs[n] for n in order], profile)
    cli = config.parse_cli_overrides(cli_overrides)
    config.check_cli_targets([specs[n] for n in order], cli)
    params = {n: config.effective_parameters(specs[n], profile, cli) for n in order}
    if kind not in (None, history.SCHEDULED, history.ADHOC):
        raise config.ParameterError(f"run kind must be {history.SCHEDULED!r} or {history.ADHOC!r}, got {kind!r}")
    kind = kind or history.classify(names, cli_overrides, profile)
    jobs = schedule.configured_jobs(profile=profile) if jobs is None else schedule.check_jobs(jobs, "--jobs")

    root = reports_root or paths.reports_dir()
    root.mkdir(parents=True, exist_ok=True)
    for name in remove_stale_staging(root):
        log(f"removed {name}, left by a run that was killed")
    remove_stale_kernel_files()
    with _signals_end_the_run():
        return _run(order, specs, params, profile, list(cli_overrides), root, log, before_publish, kind,
                    list(names), jobs)


def _run(order: list[str], specs: Mapping[str, config.NotebookSpec], params: Mapping[str, dict[str, Any]],
         profile: str | None, cli_overrides: list[str], root: Path, log: Callable[[str], None],
         before_publish: Callable[[Path], None] | None, kind: str = history.SCHEDULED,
         selected: list[str] | None = None, jobs: int = 1) -> dict[str, Any]:
    run_id = _new_run_id(root)
    staging = root / f".staging-{run_id}"
    lock = _lock_staging(staging)  # before the folder exists, so no other run can take it for a leftover
    staging.mkdir()
    os.environ[processed.RUN_ID_ENV] = run_id  # the kernels inherit it: tables they publish record this run
    started = time.time()
    record: dict[str, Any] = {
        "run_id": run_id, "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "profile": profile,
        "kind": kind, "selected": selected or [], "cli_overrides": cli_overrides, "git_revision": git_revision(),
        "data_fingerprint": fingerprint([paths.raw_dir()]), "python": sys.version.split()[0], "jobs": jobs,
        "notebooks": []}
    results = {name: NotebookResult(name=name, title=specs[name].title or name, status="skipped",
                                    parameters=params[name], headline=[list(p) for p in specs[name].headline])
               for name in order}
    try:
        # papermill changes the process's working folder around each notebook (not per thread): hold it at the
        # project root for the whole run, so notebooks side by side all start their kernels there
        with contextlib.chdir(paths.project_root()):
            _execute_all(order, specs, params, results, staging, run_id, log, jobs, started, root)
        record["notebooks"] = scrub([asdict(results[n]) for n in order])
        record["cli_overrides"] = scrub(record["cli_overrides"])
        record["duration_seconds"] = round(time.time() - started, 2)
        record["status"] = "passed" if all(r.status == "passed" for r in results.values()) else "failed"
        (staging / RUN_FILE).write_text(json.dumps(record, indent=2, ensure_ascii=False, default=str),
                                        encoding="utf-8")
        if kind == history.SCHEDULED:
            _write_digest(staging, record, run_id, specs, root)
        if before_publish is not None:
            before_publish(staging)
        os.rename(staging, root / run_id)  # atomic publish: the run appears whole or not at all
    finally:
        os.environ.pop(processed.RUN_ID_ENV, None)
        _release_staging(staging, lock)  # after a publish only the lock file is left to remove
    keep = config.retention()
    for folder in history.folders_to_remove(load_runs(root), **keep) if keep else []:
        shutil.rmtree(root / folder, ignore_errors=True)
        log(f"removed the old run {folder} (keep_runs in conf/runs.yaml)")
    write_index(root)
    record["folder"] = run_id
    return record


def _execute_all(order: list[str], specs: Mapping[str, config.NotebookSpec], params: Mapping[str, dict[str, Any]],
                 results: dict[str, NotebookResult], staging: Path, run_id: str, log: Callable[[str], None],
                 jobs: int, started: float, root: Path) -> None:
    """Execute the notebooks of ``order``, up to ``jobs`` side by side (``lab.schedule``), filling ``results``.

    Each notebook runs in a worker thread (its kernel is a process of its own); this thread decides what starts,
    writes the log lines and is the one a signal interrupts: then every kernel is killed (``kill_kernels``), the
    workers are given a moment to notice, and the exception goes on to the run's clean-up.
    """
    position = {name: i for i, name in enumerate(order, 1)}
    prereq = schedule.prerequisites(specs, order)
    rank = None if jobs == 1 else schedule.priorities(specs, order, schedule.last_durations(load_runs(root)))
    pending, finished = list(order), set()
    running: dict[concurrent.futures.Future[None], str] = {}
    stop = threading.Event()
    progress = jobs == 1 and sys.stderr.isatty()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="cil-notebook")

    def say(name: str, text: str) -> None:
        log(f"[{position[name]}/{len(order)}] {name}: {text}")

    try:
        while pending or running:
            while len(running) < jobs and (name := schedule.next_ready(pending, finished, prereq, rank)):
                pending.remove(name)
                result, spec = results[name], specs[name]
                failed_deps = [d for d in spec.depends_on if d in results and results[d].status != "passed"]
                if failed_deps:
                    result.error = f"not run: depends on {', '.join(failed_deps)}, which did not pass"
                    say(name, f"skipped ({result.error})")
                    finished.add(name)
                    continue
                say(name, "running ...")
                result.started_seconds = round(time.time() - started, 2)
                future = pool.submit(_execute_one, result, spec, params[name], staging / name, run_id, progress,
                                     stop)
                running[future] = name
            if not running:
                if pending:  # cannot happen with ``order`` in dependency order; never spin
                    raise RuntimeError(f"no notebook can start: {', '.join(pending)} wait for each other")
                continue
            done, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                name = running.pop(future)
                finished.add(name)
                result = results[name]
                if future.exception() is not None:  # a bug of the runner itself: reported like a failed notebook
                    result.status, result.error = "failed", scrub_text(_error_text(future.exception()))
                say(name, f"{result.status} in {result.duration_seconds or 0:.1f} s"
                    + "".join(f" — {text}" for text in [result.error, *result.warnings] if text))
    except BaseException:
        stop.set()
        kill_kernels()
        concurrent.futures.wait(running, timeout=30)  # kernels are dead: their notebooks end at once
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _execute_one(result: NotebookResult, spec: config.NotebookSpec, parameters: dict[str, Any], out_dir: Path,
                 run_id: str, progress: bool, stop: threading.Event) -> None:
    """Execute one notebook into ``out_dir``, mask the folder, read its metrics and render its report (a worker)."""
    t0 = time.time()
    try:
        execute_notebook(spec.name, parameters, out_dir, timeout_seconds=spec.timeout_seconds,
                         notebook_path=spec.path, progress=progress)
        result.status = "passed"
    except Exception as exc:  # noqa: BLE001 - one failed notebook must not stop the others
        error = _error_text(exc)  # a stop on a missing column role gets inspect's proposed mapping
        result.status, result.error = "failed", scrub_text(error + roles.missing_role_hint(spec.name, parameters,
                                                                                          error))
    if stop.is_set():  # the run is being interrupted: its staging folder is about to go
        return
    scrub_folder(out_dir)  # the one masking step: nothing published under reports/ escapes it
    result.metrics = read_metrics(out_dir)
    result.duration_seconds = round(time.time() - t0, 2)
    _render(result, spec, out_dir, run_id)


def _write_digest(staging: Path, record: dict[str, Any], run_id: str, specs: Mapping[str, config.NotebookSpec],
                  root: Path) -> None:
    """Write ``digest.md``: what changed since the previous scheduled run, in words (a scheduler can mail it)."""
    runs = [dict(record, folder=run_id), *load_runs(root)]
    headlines = {name: list(spec.headline) for name, spec in specs.items()}
    titles = {name: spec.title or name for name, spec in specs.items()}
    lines = history.digest_lines(runs, headlines, titles, fmt=format_metric)
    (staging / "digest.md").write_text(mask_pii(history.digest_markdown(runs[0], lines)), encoding="utf-8")


def _render(result: NotebookResult, spec: config.NotebookSpec, out_dir: Path, run_id: str) -> None:
    executed = out_dir / f"{spec.name}.ipynb"
    if not executed.is_file():
        return
    result.ipynb = f"{spec.name}/{spec.name}.ipynb"
    banner = (f"Run {run_id} · {result.status} · {spec.name} · generated by "
              "<code>python -m experiments run</code>; code hidden")
    try:
        size = render_notebook_html(executed, out_dir / f"{spec.name}.html", spec.title or spec.name, banner)
        result.html = f"{spec.name}/{spec.name}.html"
        result.report_bytes = size
        if size > MAX_REPORT_BYTES:
            result.warnings.append(f"{OVER_BUDGET}: {size / 2**20:.1f} MB > {MAX_REPORT_BYTES / 2**20:.1f} MB")
    except Exception as exc:  # noqa: BLE001 - a rendering problem is reported, not fatal for the run
        result.error = (result.error + "; " if result.error else "") + f"rendering failed: {exc}"
        traceback.print_exc()
