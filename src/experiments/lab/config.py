"""Parameters: conf/ files, profiles and command-line overrides, validated against each notebook's parameters cell.

Precedence (later wins): the notebook's own defaults, ``conf/params/<notebook>.yaml`` ``base``, its
``profiles.<profile>``, then command-line ``-p key=value``. Every key must exist in the notebook's ``parameters``
cell and carry the same JSON type as its default (an int is accepted where a float is expected); anything else is a
``ParameterError`` naming the notebook and the key, never papermill's warning.

Range checks (``checks:`` of a notebook in ``conf/runs.yaml``, or top-level ``checks:`` in its params yaml, which
wins per key) then test the effective values: ``min`` / ``max`` (inclusive), ``min_exclusive`` / ``max_exclusive``,
``choices: [...]``, ``iso_date: true`` (an ISO date or date-time; empty means not given) and
``shape: [dict, list, null]`` (the JSON shapes allowed; ``null`` also admits ``""``). A profile must be defined by
one of the selected notebooks' params yaml, or be one of the world sizes ``SIZES``.
"""

from __future__ import annotations

import ast
import json
import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import papermill as pm
import yaml

from experiments.common.errors import ParameterError as ParameterError  # re-exported: its old home
from experiments.data import paths
from experiments.synthetic.sizes import SIZES as _WORLD_SIZES


@dataclass(frozen=True)
class NotebookSpec:
    """A scheduled notebook as ``conf/runs.yaml`` describes it."""

    name: str
    path: Path
    depends_on: tuple[str, ...] = ()  # run after these, and skip when one of them did not pass
    runs_after: tuple[str, ...] = ()  # run after these when they are selected, but run even when one failed
    timeout_seconds: int = 900
    expected_seconds: float = 0.0  # rough duration, used to order a first run side by side (no earlier run.json)
    headline: tuple[tuple[str, str], ...] = ()  # (metrics.json key, label shown on the index)
    title: str = ""
    metrics: tuple[tuple[str, str], ...] = ()  # (documented metrics.json key or pattern, its one-line meaning)
    checks: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()  # (parameter, ((rule, argument), ...))


#: Profiles always accepted: they name a world size (``data generate --size``), even where no params yaml sets them.
SIZES: tuple[str, ...] = tuple(_WORLD_SIZES)
CHECK_RULES = ("min", "max", "min_exclusive", "max_exclusive", "choices", "iso_date", "shape", "each")
_SHAPES = {"dict": dict, "list": list | tuple, "null": type(None), "str": str, "number": int | float}


def load_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping; a missing file is an empty mapping, anything but a mapping is an error."""
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ParameterError(f"{path}: expected a mapping at the top level, found {type(data).__name__}")
    return data


def load_runs(conf_dir: Path | None = None, notebooks_dir: Path | None = None) -> dict[str, NotebookSpec]:
    """Return the scheduled notebooks from ``conf/runs.yaml`` in file order, checking that each one exists."""
    conf = conf_dir or paths.conf_dir()
    nb_dir = notebooks_dir or paths.notebooks_dir()
    runs = load_yaml(conf / "runs.yaml").get("notebooks") or {}
    specs: dict[str, NotebookSpec] = {}
    for name, entry in runs.items():
        entry = entry or {}
        path = nb_dir / f"{name}.ipynb"
        if not path.is_file():
            raise ParameterError(f"conf/runs.yaml lists {name!r} but {path} does not exist")
        specs[name] = NotebookSpec(
            name=name, path=path, depends_on=tuple(entry.get("depends_on") or ()),
            runs_after=tuple(entry.get("runs_after") or ()),
            timeout_seconds=int(entry.get("timeout_seconds", 900)), headline=_headline(entry.get("headline")),
            expected_seconds=float(entry.get("expected_seconds", 0.0)),
            title=str(entry.get("title", "")),
            metrics=tuple((str(k), str(v)) for k, v in (entry.get("metrics") or {}).items()),
            checks=_read_checks(entry.get("checks"), f"conf/runs.yaml {name}"))
    for spec in specs.values():
        for dep in (*spec.depends_on, *spec.runs_after):
            if dep not in specs:
                raise ParameterError(f"conf/runs.yaml: {spec.name} depends on unknown notebook {dep!r}")
    return specs


def _read_checks(raw: Any, origin: str) -> tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]:
    """Read a ``checks:`` mapping ``{parameter: {rule: argument}}``, refusing unknown rules and malformed entries."""
    if not raw:
        return ()
    if not isinstance(raw, dict):
        raise ParameterError(f"{origin}: checks must map parameter names to rules, found {type(raw).__name__}")
    out = []
    for key, rules in raw.items():
        if not isinstance(rules, dict) or not rules:
            raise ParameterError(f"{origin}: checks.{key} must be a mapping of rules such as {{min: 0}}")
        unknown = sorted(set(rules) - set(CHECK_RULES))
        if unknown:
            raise ParameterError(f"{origin}: checks.{key}: unknown rule(s) {unknown}; known: {', '.join(CHECK_RULES)}")
        for rule in ("min", "max", "min_exclusive", "max_exclusive"):
            if rule in rules and (isinstance(rules[rule], bool) or not isinstance(rules[rule], int | float)):
                raise ParameterError(f"{origin}: checks.{key}.{rule} must be a number, found {rules[rule]!r}")
        if "choices" in rules and not isinstance(rules["choices"], list):
            raise ParameterError(f"{origin}: checks.{key}.choices must be a list")
        if "shape" in rules:
            shapes = rules["shape"]
            if not isinstance(shapes, list) or any(("null" if s is None else s) not in _SHAPES for s in shapes):
                raise ParameterError(f"{origin}: checks.{key}.shape must list some of {', '.join(_SHAPES)}")
            rules = rules | {"shape": ["null" if s is None else s for s in shapes]}  # YAML reads null as None
        if "each" in rules:  # the rules every value of a dict (or item of a list) must meet
            inner = _read_checks({f"{key}[*]": rules["each"]}, origin)
            rules = rules | {"each": inner[0][1]}
        out.append((str(key), tuple((str(r), a) for r, a in rules.items())))
    return tuple(out)


def _is_iso_date(value: str) -> bool:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
            return True
        except ValueError:
            pass
    return False


def _rule_problem(rule: str, arg: Any, value: Any) -> str | None:
    """Return what ``value`` should have been under ``rule`` (None when it passes)."""
    if rule == "each":
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list | tuple) \
            else ()
        for name, item in items:
            problems = [p for r, a in arg if (p := _rule_problem(r, a, item)) is not None]
            if problems:
                return f"a collection whose every value is {' and '.join(dict.fromkeys(problems))} (not {name!r}: " \
                       f"{item!r})"
        return None
    if rule == "shape":
        allowed = tuple(_SHAPES[s] for s in arg)
        ok = isinstance(value, allowed) and not isinstance(value, bool) or ("null" in arg and value == "")
        return None if ok else f"a {' or '.join(arg)}"
    if rule == "choices":
        return None if value in arg else f"one of {', '.join(map(str, arg))}"
    if rule == "iso_date":
        if not arg or value in ("", None):
            return None
        return None if isinstance(value, str) and _is_iso_date(value) else \
            "an ISO date such as 2011-12-09 (or 2011-12-09T18:00), or empty"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return "a finite number"
    bounds = {"min": (value >= arg, f">= {arg}"), "max": (value <= arg, f"<= {arg}"),
              "min_exclusive": (value > arg, f"> {arg}"), "max_exclusive": (value < arg, f"< {arg}")}
    ok, want = bounds[rule]
    return None if ok else want


def check_values(notebook: str, values: Mapping[str, Any],
                 checks: Iterable[tuple[str, Iterable[tuple[str, Any]]]], origin: str = "conf/runs.yaml") -> None:
    """Raise ``ParameterError`` naming the notebook and the key when a value breaks one of its ``checks``.

    All rules of a key are tested and reported together, e.g. ``06_ad_ab_analysis: parameter 'alpha' = 2 must be
    > 0 and < 1``; a check on a key the notebook does not declare is an error in the checks themselves.
    """
    for key, rules in checks:
        if key not in values:
            raise ParameterError(f"{notebook}: {origin} checks parameter {key!r}, which the notebook does not declare")
        value = values[key]
        problems = [p for rule, arg in rules if (p := _rule_problem(rule, arg, value)) is not None]
        if problems:
            wants = " and ".join(dict.fromkeys(problems))
            raise ParameterError(f"{notebook}: parameter {key!r} = {value!r} must be {wants}")


def _headline(raw: Any) -> tuple[tuple[str, str], ...]:
    """Read ``headline`` as a list of keys or a mapping ``{key: label}`` into (key, label) pairs."""
    if not raw:
        return ()
    if isinstance(raw, dict):
        return tuple((str(k), str(v)) for k, v in raw.items())
    return tuple((str(k), str(k)) for k in raw)


def notebook_defaults(path: Path) -> dict[str, Any]:
    """Return ``{name: default}`` from the notebook's ``parameters`` cell.

    Raises ``ParameterError`` when there is no parameters cell or a line in it cannot be parsed (papermill would
    silently drop such a parameter, e.g. a comment containing '=').
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in (c.get("metadata", {}).get("tags") or [])]
    if len(cells) != 1:
        raise ParameterError(f"{path.name}: expected exactly one cell tagged 'parameters', found {len(cells)}")
    inspected = pm.inspect_notebook(str(path))
    declared = _assigned_names(cells[0].source, path)
    lost = [n for n in declared if n not in inspected]
    if lost:
        raise ParameterError(f"{path.name}: papermill cannot parse the parameter line(s) for {', '.join(lost)} "
                             "(keep one 'name = value  # comment' per line, with no '=' in the comment)")
    defaults = {}
    for name, info in inspected.items():
        try:
            defaults[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError) as exc:
            raise ParameterError(f"{path.name}: parameter {name!r} has a default that is not a literal "
                                 f"({info['default']}); parameters are JSON values, nothing computed") from exc
    return defaults


def _assigned_names(source: str, path: Path) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{path.name}: the parameters cell is not valid Python: {exc}") from exc
    return [t.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)]


def _type_ok(default: Any, value: Any) -> bool:
    if default is None or value is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, int):
        return isinstance(value, int)
    if isinstance(default, list | tuple):
        return isinstance(value, list | tuple)
    return isinstance(value, type(default))


def validate(notebook: str, defaults: Mapping[str, Any], overrides: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """Check ``overrides`` against the notebook's ``defaults`` and return them (ints widened to floats where needed)."""
    from experiments.lab.roles import apply_aliases

    out: dict[str, Any] = {}
    for key, value in apply_aliases(notebook, overrides, defaults).items():
        if key not in defaults:
            known = ", ".join(sorted(defaults))
            raise ParameterError(f"{notebook}: unknown parameter {key!r} (from {origin}); its parameters are: {known}")
        default = defaults[key]
        if isinstance(default, str) and isinstance(value, int | float) and not _type_ok(default, value):
            # `-p positive_label=1` or `-p customer_col=0`: what the user typed is the text 1 (a *_col parameter is
            # always a column name); JSON spells it back as typed (1, 1.5, true)
            text = json.dumps(value)
            print(f"note: {notebook}: parameter {key!r} takes text; the {type(value).__name__} {text} "
                  f"(from {origin}) is read as the text {text!r}", file=sys.stderr)
            value = text
        if not _type_ok(default, value):
            raise ParameterError(f"{notebook}: parameter {key!r} (from {origin}) expects {type(default).__name__} "
                                 f"like its default {default!r}, got {type(value).__name__} {value!r}")
        out[key] = float(value) if isinstance(default, float) and isinstance(value, int) else value
    return out


def parse_cli_overrides(items: Iterable[str]) -> list[tuple[str | None, str, Any]]:
    """Parse ``-p key=value`` / ``-p notebook.key=value`` items into (notebook or None, key, value).

    The value is read as JSON when it parses (numbers, true/false, lists, objects, quoted strings), else as text.
    """
    out = []
    for item in items:
        if "=" not in item:
            raise ParameterError(f"-p {item!r}: expected key=value")
        key, raw = item.split("=", 1)
        key = key.strip()
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        notebook, _, name = key.rpartition(".")
        out.append((notebook or None, name, value))
    return out


def effective_parameters(spec: NotebookSpec, profile: str | None,
                         cli: Iterable[tuple[str | None, str, Any]] = (),
                         conf_dir: Path | None = None) -> dict[str, Any]:
    """Merge conf base, profile and command-line overrides for one notebook, validating each layer (an old parameter
    name of conf/roles.yaml ``aliases`` is taken as its new name); the reading parameters' choices
    (conf/roles.yaml ``reading``) are checked with the notebook's ``checks``. With ``input_path`` given, a ``*_col``
    parameter not given whose default column the file lacks is left out (``roles.defaults_not_in_file``)."""
    from experiments.lab.roles import aliases, defaults_not_in_file, reading_checks

    defaults = notebook_defaults(spec.path)
    conf = load_yaml((conf_dir or paths.conf_dir()) / "params" / f"{spec.name}.yaml")
    unknown = set(conf) - {"base", "profiles", "checks"}
    if unknown:
        raise ParameterError(f"conf/params/{spec.name}.yaml: unknown top-level key(s) {sorted(unknown)}; "
                             "expected 'base', 'profiles' and optionally 'checks'")
    params = validate(spec.name, defaults, conf.get("base") or {}, f"conf/params/{spec.name}.yaml base")
    if profile:
        layer = (conf.get("profiles") or {}).get(profile) or {}
        params |= validate(spec.name, defaults, layer, f"profile {profile!r}")
    old_names = aliases(spec.name, conf_dir)
    for notebook, key, value in cli:
        if notebook is None and key not in defaults and key not in old_names:
            continue  # a plain -p key applies to the notebooks that declare it; checked across notebooks by the runner
        if notebook in (None, spec.name):
            params |= validate(spec.name, defaults, {key: value}, "the command line")
    params |= defaults_not_in_file(spec.name, defaults, params)
    checks = reading_checks(defaults, conf_dir) | dict(spec.checks) \
        | dict(_read_checks(conf.get("checks"), f"conf/params/{spec.name}.yaml"))
    check_values(spec.name, defaults | params, checks.items())
    return params


def known_profiles(specs: Iterable[NotebookSpec], conf_dir: Path | None = None) -> list[str]:
    """Return the profiles a run of ``specs`` accepts: the world sizes plus every profile their params yaml define."""
    found: list[str] = list(SIZES)
    for spec in specs:
        conf = load_yaml((conf_dir or paths.conf_dir()) / "params" / f"{spec.name}.yaml")
        found += [str(p) for p in (conf.get("profiles") or {}) if str(p) not in found]
    return found


def check_profile(specs: Iterable[NotebookSpec], profile: str | None, conf_dir: Path | None = None) -> None:
    """Raise ``ParameterError`` when ``profile`` is neither a world size nor defined for a selected notebook."""
    if profile is None:
        return
    specs = list(specs)
    known = known_profiles(specs, conf_dir)
    if profile not in known:
        raise ParameterError(f"unknown profile {profile!r}: no params yaml of {', '.join(s.name for s in specs)} "
                             f"defines it; known profiles: {', '.join(known)}")


def check_cli_targets(specs: Iterable[NotebookSpec], cli: Iterable[tuple[str | None, str, Any]]) -> None:
    """Raise when a ``-p`` key is declared by none of the selected notebooks, or names an unselected notebook."""
    from experiments.lab.roles import aliases

    specs = list(specs)
    by_name = {s.name: s for s in specs}
    for notebook, key, _ in cli:
        if notebook is not None:
            if notebook not in by_name:
                raise ParameterError(f"-p {notebook}.{key}: notebook {notebook!r} is not in this run "
                                     f"({', '.join(by_name)})")
            continue
        if not any(key in notebook_defaults(s.path) or key in aliases(s.name) for s in specs):
            raise ParameterError(f"-p {key}: no notebook in this run ({', '.join(by_name)}) has a parameter {key!r}")


def notebook_parameters(notebook: str, profile: str | None = None,
                        overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return the full parameters one run of ``notebook`` would get: its parameters cell, conf base and ``profile``,
    then ``overrides``, each layer validated and range-checked exactly as the runner does.

    This is how tests, benchmarks and other code build an analysis ``Config`` (``X.Config.from_parameters``) without
    a default of their own: the notebook's parameters cell stays the one place defaults live.
    """
    spec = load_runs()[notebook]
    cli = [(notebook, key, value) for key, value in (overrides or {}).items()]
    return notebook_defaults(spec.path) | effective_parameters(spec, profile, cli)


def retention(conf_dir: Path | None = None) -> dict[str, int] | None:
    """Return ``{"keep_scheduled": n, "keep_adhoc": m}`` from ``keep_runs:`` in conf/runs.yaml (the one place), or
    None when the file sets no ``keep_runs`` (then no run folder is ever removed)."""
    raw = load_yaml((conf_dir or paths.conf_dir()) / "runs.yaml").get("keep_runs")
    if raw is None:
        return None
    try:
        return {"keep_scheduled": int(raw["scheduled"]), "keep_adhoc": int(raw["adhoc"])}
    except (KeyError, TypeError, ValueError) as exc:
        raise ParameterError("conf/runs.yaml: keep_runs must give whole numbers for 'scheduled' and 'adhoc' "
                             f"(run folders kept after a publish), found {raw!r}") from exc
