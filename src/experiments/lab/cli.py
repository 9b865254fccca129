"""Command line: ``python -m experiments {data generate, run, list, index}``.

    python -m experiments data generate --size small --seed 42
    python -m experiments run [NAMES ...] [--profile P] [-p key=value | -p notebook.key=value ...]
    python -m experiments list
    python -m experiments index
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from experiments.data import paths
from experiments.lab import config


def _generate(args: argparse.Namespace) -> int:
    from experiments import synthetic

    out = paths.raw_dir()
    t0 = time.time()
    print(f"Generating the synthetic company (size {args.size}, seed {args.seed}) into {out} ...", flush=True)
    manifest = synthetic.generate(out, size=args.size, seed=args.seed)
    files = manifest.get("files", {})
    for name, info in sorted(files.items()):
        rows = info.get("rows") if isinstance(info, dict) else info
        print(f"  {name}: {rows:,} rows" if isinstance(rows, int) else f"  {name}")
    print(f"Done in {time.time() - t0:.1f} s; planted truth in {paths.truth_dir()}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from experiments.lab import runner

    try:
        record = runner.run(args.names, profile=args.profile, cli_overrides=args.param or [], kind=args.kind,
                            jobs=args.jobs)
    except config.ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except runner.RunInterrupted as exc:
        print(f"\n{exc}: kernel stopped, unpublished run removed, earlier reports unchanged", file=sys.stderr)
        return 128 + exc.signum
    root = paths.reports_dir()
    failed = [nb["name"] for nb in record["notebooks"] if nb["status"] != "passed"]
    print(f"\nRun {record['folder']}: {record['status']} ({len(record['notebooks']) - len(failed)} of "
          f"{len(record['notebooks'])} passed) in {record['duration_seconds']:.1f} s")
    if failed:
        print(f"Not passed: {', '.join(failed)} (executed notebooks kept in {root / record['folder']})")
    print(f"Reports: {root / 'index.html'}")
    return 0 if record["status"] == "passed" else 1


def _list(_: argparse.Namespace) -> int:
    for name, spec in config.load_runs().items():
        deps = f" (after {', '.join(spec.depends_on)})" if spec.depends_on else ""
        print(f"{name}: {spec.title}{deps}")
        for key, default in config.notebook_defaults(spec.path).items():
            print(f"    {key} = {default!r}")
    return 0


def _inspect(args: argparse.Namespace) -> int:
    """Read a file the way the loader would and show its columns; with a notebook, propose the -p mapping."""
    import pandas as pd

    from experiments.data.tables import DataInputError
    from experiments.lab import roles

    given = {"input_encoding": args.encoding, "input_sheet": args.sheet, "input_sep": args.sep,
             "input_header": args.header}
    try:
        frame = roles.read_like_the_loader(args.file, given)
    except DataInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    how = ", ".join(f"{k} {frame.attrs[k]!r}" for k in ("encoding", "sep", "header") if k in frame.attrs)
    print(f"{args.file}: {len(frame):,} rows, {frame.shape[1]} columns" + (f" (read with {how})" if how else ""))
    with pd.option_context("display.max_rows", 200, "display.width", 160, "display.max_colwidth", 50):
        print(roles.describe(frame).to_string(index=False))
    if not args.notebook:
        return 0
    if args.notebook not in config.load_runs():
        print(f"error: unknown notebook {args.notebook!r}; scheduled: {', '.join(config.load_runs())}",
              file=sys.stderr)
        return 2
    print(f"\nProposed mapping for {args.notebook} (check it; names and contents decided it):\n")
    print(roles.proposal(args.file, args.notebook, given, frame))
    return 0


def _index(_: argparse.Namespace) -> int:
    from experiments.lab.report import write_index

    print(write_index(paths.reports_dir()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m experiments``."""
    parser = argparse.ArgumentParser(prog="python -m experiments", description="Customer Insights Lab")
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="make the company world's raw data")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    gen = data_sub.add_parser("generate", help="write the synthetic company into data/raw/ (truth in _truth/)")
    gen.add_argument("--size", choices=list(config.SIZES), default="small")
    gen.add_argument("--seed", type=int, default=42)
    gen.set_defaults(func=_generate)

    run = sub.add_parser("run", help="execute notebooks with papermill and publish HTML reports")
    run.add_argument("names", nargs="*", help="notebooks to run (default: all in conf/runs.yaml)")
    run.add_argument("--profile", default=None, help="parameter profile from conf/params/*.yaml (e.g. tiny, small)")
    run.add_argument("--kind", choices=["scheduled", "adhoc"], default=None,
                     help="how the front page files the run (default: scheduled for the whole set with no -p and a "
                          "world-size profile, ad-hoc otherwise)")
    run.add_argument("-p", "--param", action="append", metavar="KEY=VALUE",
                     help="override a parameter: key=value for every notebook that has it, or notebook.key=value; "
                          "values are JSON (numbers, true, [\"a\"], {\"k\": 1}) or plain text")
    run.add_argument("--jobs", type=int, default=None, metavar="N",
                     help="notebooks run side by side, each started once those it follows have finished (default: "
                          "jobs in conf/runs.yaml; 1 runs them one after another)")
    run.set_defaults(func=_run)

    sub.add_parser("list", help="list scheduled notebooks and their parameters").set_defaults(func=_list)
    ins = sub.add_parser("inspect", help="show a file's columns as the loader reads them; with a notebook, propose "
                                        "the -p mapping of its column roles")
    ins.add_argument("file", help="a CSV (plain or compressed), Parquet, Excel or JSON-lines file")
    ins.add_argument("notebook", nargs="?", default="", help="a notebook of conf/runs.yaml, e.g. 03_recommendations")
    ins.add_argument("--encoding", default="", help="text encoding (default: detect)")
    ins.add_argument("--sheet", default="", help="Excel sheet (default: the first)")
    ins.add_argument("--sep", default="", help="CSV separator: , ; \\t | or whitespace (default: detect)")
    ins.add_argument("--header", default="", help="CSV header row: true or false (default: detect)")
    ins.set_defaults(func=_inspect)
    sub.add_parser("index", help="rebuild reports/index.html").set_defaults(func=_index)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 1 a notebook failed, 2 bad arguments or parameters, 128 + the
    signal number when a run was stopped by SIGTERM or SIGINT)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except OSError as exc:  # a full disk, a read-only folder: one clear line, not a traceback
        print(f"error: {os_error_text(exc)}", file=sys.stderr)
        return 1


def os_error_text(exc: OSError) -> str:
    """One line for a file-system error: what failed, where, and what to do."""
    import errno

    where = f" ({exc.filename})" if exc.filename else ""
    hint = {errno.ENOSPC: "the disk is full: free space and run again (earlier reports and data are unchanged)",
            errno.EROFS: "the folder is read-only: point CIL_DATA_DIR / CIL_REPORTS_DIR at a writable folder",
            errno.EACCES: "permission denied: point CIL_DATA_DIR / CIL_REPORTS_DIR at a folder you can write",
            errno.EDQUOT: "the disk quota is exhausted: free space and run again"}.get(exc.errno or 0, "")
    return f"{exc.strerror or exc}{where}" + (f"; {hint}" if hint else "")


if __name__ == "__main__":
    sys.exit(main())
