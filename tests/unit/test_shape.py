"""One shape for every analysis (docs/architecture.md): the same parts in the same places, layers that import only
downwards, configs without defaults of their own, and the planted truth read only by evaluation code.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
from pathlib import Path

import pytest

from experiments.common.errors import ParameterError
from experiments.common.result import Result
from experiments.lab import config
from experiments.lab.config import notebook_parameters

SRC = Path(__file__).parents[2] / "src" / "experiments"
NOTEBOOKS = Path(__file__).parents[2] / "notebooks"
#: analysis package -> its notebook
ANALYSES = {
    "overview": "00_data_overview",
    "cleaning": "01_data_cleaning",
    "segments": "02_customer_segmentation",
    "recommend": "03_recommendations",
    "churn": "04_churn_prediction",
    "feedback": "05_feedback_topics_sentiment",
    "abtest": "06_ad_ab_analysis",
    "service": "07_service_operations",
}
ANALYSES |= {pkg: nb for pkg, nb in {"example": "_template", "profile": "08_customer_360",
                                      "nba": "09_next_best_action"}.items()
             if (SRC / pkg).is_dir()}
PARTS = ("config", "sources", "analysis", "result", "present", "charts")
#: which top-level packages each layer may import (besides itself)
ALLOWED = {"common": set(), "data": {"common"}, "synthetic": {"common", "data"}, "lab": {"common", "data", "synthetic"}}
ALLOWED |= {pkg: {"common", "data", "lab"} for pkg in ANALYSES}


def _imports(path: Path) -> set[str]:
    """Top-level ``experiments.<package>`` names that the module imports (at any depth of the file)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
        for name in names:
            parts = name.split(".")
            if parts[0] == "experiments" and len(parts) > 1:
                found.add(parts[1])
            elif parts[0] == "experiments" and isinstance(node, ast.ImportFrom):
                found |= {a.name for a in node.names}
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_layers_import_only_downwards(package: str) -> None:
    wrong = {}
    for path in sorted((SRC / package).rglob("*.py")):
        bad = _imports(path) - ALLOWED[package] - {package}
        if bad:
            wrong[str(path.relative_to(SRC))] = sorted(bad)
    assert wrong == {}, f"{package} imports packages it may not (see docs/architecture.md): {wrong}"


@pytest.mark.parametrize("package", sorted(ANALYSES))
def test_every_analysis_has_the_same_parts(package: str) -> None:
    missing = [part for part in PARTS if not (SRC / package / f"{part}.py").is_file()]
    assert missing == [], f"experiments.{package} lacks {missing}"
    module = importlib.import_module(f"experiments.{package}")
    for name in ("Config", "load", "run", "Result"):
        assert hasattr(module, name), f"experiments.{package} does not export {name}"
    assert module.__doc__ and "config" in module.__doc__, f"experiments.{package} has no docstring naming its parts"


@pytest.mark.parametrize("package", sorted(ANALYSES))
def test_config_has_no_defaults_of_its_own(package: str) -> None:
    cfg_cls = importlib.import_module(f"experiments.{package}").Config
    with_default = [f.name for f in dataclasses.fields(cfg_cls)
                    if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING]
    assert with_default == [], f"{package}.Config has defaults (they live in the parameters cell): {with_default}"
    params = notebook_parameters(ANALYSES[package]) if ANALYSES[package] in config.load_runs() else None
    if params is None:
        pytest.skip(f"{ANALYSES[package]} is not in conf/runs.yaml yet")
    cfg_cls.from_parameters(params)  # the notebook's own parameters make a config
    read = [k for k in params if k != "output_dir"]
    dropped = dict(params)
    key = next(k for k in read if k not in ("seed",))
    dropped.pop(key)
    with pytest.raises(ParameterError, match=key):
        cfg_cls.from_parameters(dropped)


@pytest.mark.parametrize("package", sorted(ANALYSES))
def test_only_evaluation_reads_the_planted_truth(package: str) -> None:
    readers = [str(p.relative_to(SRC)) for p in sorted((SRC / package).rglob("*.py"))
               if p.stem != "evaluation" and ("_truth" in p.read_text(encoding="utf-8")
                                              or "truth_dir" in p.read_text(encoding="utf-8"))]
    assert readers == [], f"production modules that know the planted truth exists: {readers}"


@pytest.mark.parametrize("package", sorted(ANALYSES))
def test_notebook_reads_like_every_other(package: str) -> None:
    source = (NOTEBOOKS / f"{ANALYSES[package]}.py").read_text(encoding="utf-8")
    for line in (".Config.from_parameters(run.params)", "result = ", "run.finish("):
        assert line in source, f"{ANALYSES[package]} does not follow the template: no {line!r}"


def test_result_protocol_is_checked_structurally() -> None:
    class Good:
        tables: dict = {}

        def metrics(self) -> dict:
            return {}

        def publish(self) -> None:
            return None

    class Bad:
        def metrics(self) -> dict:
            return {}

    assert isinstance(Good(), Result) and not isinstance(Bad(), Result)
