"""conf/runs.yaml orders every notebook that reads a processed table against every notebook that publishes it.

Notebooks run side by side (``jobs``), so file order no longer separates them: a reader not ordered against a
publisher of its table (``depends_on`` / ``runs_after``, directly or through others) would see the table or not
depending on timing, and two unordered publishers of one table could overwrite each other's rows. The reads and
publishes are derived from the analysis packages' code (each notebook's ``from experiments import <package>``):

- reads: ``load_processed("<table>")``, ``load_input(..., company="<table>")``, a ``"<table>.parquet"`` path, and
  tuples of table names (``TABLES = ("orders", ...)``, ``for name in ("care_queue", ...)``) anywhere in the package
  except its evaluation (the planted truth) and the tables it publishes itself;
- publishes: the keys of ``publish_results({...})`` in the package; 01 publishes the whole company world with
  ``publish(..., replace_all=True)`` (every table of ``contracts.SCHEMAS``, and it removes every derived table).

A new table read or published without an order in conf/runs.yaml fails here, naming the two notebooks.
"""

from __future__ import annotations

import ast
import re
from itertools import combinations
from pathlib import Path

import pytest

from experiments.data import contracts, paths
from experiments.lab import config

SRC = Path(__file__).resolve().parents[2] / "src" / "experiments"


def _tables() -> set[str]:
    names = set(contracts.SCHEMAS) | set(contracts.OUTPUT_SCHEMAS)
    for pkg in SRC.iterdir():  # tables published without a contract (08's customer_360, customer_timeline)
        names |= _publish_keys(pkg)
    return names


def _publish_keys(pkg: Path) -> set[str]:
    """Table names in the dict literals of ``Result.publish`` in ``pkg/result.py`` and of the methods it calls on
    ``self`` (e.g. churn's ``output_tables``); a key may be a module constant (nba's ``OUTPUT``)."""
    path = pkg / "result.py"
    if not path.is_file():
        return set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    consts = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
              for t in n.targets if isinstance(t, ast.Name)}
    methods = {f.name: f for c in tree.body if isinstance(c, ast.ClassDef) for f in c.body
               if isinstance(f, ast.FunctionDef)}
    todo, seen, keys = ["publish"], set(), set()
    while todo:
        name = todo.pop()
        if name in seen or name not in methods:
            continue
        seen.add(name)
        for node in ast.walk(methods[name]):
            if isinstance(node, ast.Dict):
                keys |= {k.value if isinstance(k, ast.Constant) else consts.get(k.id, "") if isinstance(k, ast.Name)
                         else "" for k in node.keys}
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
                    node.func.value, ast.Name) and node.func.value.id == "self":
                todo.append(node.func.attr)
    return {k for k in keys if isinstance(k, str) and k}


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _nodes(pkg: Path, skip: tuple[str, ...] = ()) -> list[ast.AST]:
    out: list[ast.AST] = []
    for path in sorted(pkg.glob("*.py")) if pkg.is_dir() else []:
        if path.stem not in skip:
            out.extend(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    return out


def package_of(notebook: str) -> str:
    text = (paths.project_root() / "notebooks" / f"{notebook}.py").read_text(encoding="utf-8")
    found = re.findall(r"^from experiments import (\w+)$", text, flags=re.M)
    assert len(found) == 1, f"{notebook}: expected one 'from experiments import <package>', found {found}"
    return found[0]


def publishes(pkg: str, tables: set[str]) -> set[str]:
    out = _publish_keys(SRC / pkg)
    for node in _nodes(SRC / pkg):
        if isinstance(node, ast.Call) and _name(node.func) == "publish" and any(
                k.arg == "replace_all" for k in node.keywords):
            out |= set(contracts.SCHEMAS)  # 01: the company world, replacing every derived table
    return out & tables


def reads(pkg: str, tables: set[str]) -> set[str]:
    out: set[str] = set()
    for node in _nodes(SRC / pkg, skip=("evaluation",)):
        if isinstance(node, ast.Call) and _name(node.func) == "load_processed" and node.args and isinstance(
                node.args[0], ast.Constant):
            out.add(node.args[0].value)
        elif isinstance(node, ast.keyword) and node.arg == "company" and isinstance(node.value, ast.Constant):
            out.add(node.value.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.endswith(".parquet"):
            out.add(node.value[: -len(".parquet")])
        elif isinstance(node, ast.Tuple) and node.elts and all(
                isinstance(e, ast.Constant) and e.value in tables for e in node.elts):
            out |= {e.value for e in node.elts}
    return out & tables


def reads_of_others(pkg: str, tables: set[str]) -> set[str]:
    """``reads`` less the tables the package publishes itself (07 reads the care queue to add its rows to it: the
    publishers' order covers that)."""
    return reads(pkg, tables) - publishes(pkg, tables)


@pytest.fixture(scope="module")
def graph() -> dict:
    specs = config.load_runs()
    tables = _tables()
    pkgs = {name: package_of(name) for name in specs}
    before: dict[str, set[str]] = {}

    def ancestors(name: str) -> set[str]:
        if name not in before:
            direct = set(specs[name].depends_on) | set(specs[name].runs_after)
            before[name] = direct.union(*(ancestors(d) for d in direct)) if direct else set()
        return before[name]

    return {"specs": specs, "reads": {n: reads_of_others(p, tables) for n, p in pkgs.items()},
            "all_reads": {n: reads(p, tables) for n, p in pkgs.items()},
            "publishes": {n: publishes(p, tables) for n, p in pkgs.items()},
            "ordered": lambda a, b: a in ancestors(b) or b in ancestors(a), "before": ancestors}


def test_the_derivation_finds_the_known_reads_and_publishers(graph: dict) -> None:
    """The scan sees what the packages are known to do (a scan that found nothing could never fail)."""
    r, p = graph["all_reads"], graph["publishes"]
    assert p["01_data_cleaning"] >= {"orders", "customers", "ad_events", "campaigns"}
    assert p["05_feedback_topics_sentiment"] == {"care_queue", "feedback_scored"}
    assert p["07_service_operations"] == {"care_queue", "staffing"}
    assert p["04_churn_prediction"] == {"churn_scores", "churn_actions"} and p["09_next_best_action"] == {
        "next_best_actions"}
    assert p["00_data_overview"] == p["06_ad_ab_analysis"] == set()
    assert {"segments"} <= r["03_recommendations"] and {"ad_events"} <= r["06_ad_ab_analysis"]
    assert {"care_queue", "feedback_scored", "segments", "service_contacts"} <= r["04_churn_prediction"]
    assert {"care_queue", "feedback_scored", "campaigns", "staffing"} <= r["09_next_best_action"]
    assert {"care_queue", "service_contacts"} <= r["07_service_operations"]
    assert {"next_best_actions", "churn_scores", "recommendations", "segments"} <= r["08_customer_360"]
    assert r["00_data_overview"] == set()  # 00 reads the raw files only


def test_every_reader_is_ordered_against_every_publisher_of_its_tables(graph: dict) -> None:
    races = [f"{reader} reads {table}, which {writer} publishes"
             for reader, tables in graph["reads"].items() for table in sorted(tables)
             for writer, written in graph["publishes"].items()
             if table in written and writer != reader and not graph["ordered"](reader, writer)]
    assert not races, "not ordered in conf/runs.yaml (add depends_on or runs_after): " + "; ".join(races)


def test_every_read_table_has_a_publisher_before_the_reader(graph: dict) -> None:
    missing = [f"{reader} reads {table} before any notebook publishes it"
               for reader, tables in graph["reads"].items() for table in sorted(tables)
               if not any(table in graph["publishes"][w] for w in graph["before"](reader))]
    assert not missing, "; ".join(missing)


def test_publishers_of_one_table_are_ordered(graph: dict) -> None:
    """05 and 07 both write the care queue (07 adds to 05's rows); 01 replaces every derived table."""
    clashes = [f"{a} and {b} both publish {', '.join(sorted(ta & tb))}"
               for (a, ta), (b, tb) in combinations(graph["publishes"].items(), 2)
               if (ta & tb or "lineage" in ta | tb and (ta and tb)) and not graph["ordered"](a, b)]
    assert not clashes, "; ".join(clashes)
