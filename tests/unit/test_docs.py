"""README is checked against conf/runs.yaml, the one list of each notebook's metrics.json keys."""

from __future__ import annotations

import re

from experiments.data import paths
from experiments.lab import config

PLACEHOLDER = re.compile(r"<[a-z_]+>")


def _normalise(key: str) -> str:
    return PLACEHOLDER.sub("<x>", key)


def test_every_documented_key_is_in_the_readme() -> None:
    readme = (paths.project_root() / "README.md").read_text(encoding="utf-8")
    in_readme = {_normalise(k) for k in re.findall(r"`([^`\s]+)`", readme)}
    missing = {name: sorted(k for k, _ in spec.metrics if _normalise(k) not in in_readme)
               for name, spec in config.load_runs().items()}
    assert {k: v for k, v in missing.items() if v} == {}


def test_every_scheduled_notebook_documents_its_keys() -> None:
    for name, spec in config.load_runs().items():
        assert len(spec.metrics) >= 3, f"{name}: conf/runs.yaml has no metrics: block"
        assert all(meaning.strip() for _, meaning in spec.metrics), name
