"""README is checked against conf/runs.yaml, the one list of each notebook's metrics.json keys."""

from __future__ import annotations

import re

from experiments.data import paths
from experiments.lab import config

PLACEHOLDER = re.compile(r"<[a-z_]+>")


def _normalise(key: str) -> str:
    return PLACEHOLDER.sub("<x>", key)


def _write_docs():
    import importlib.util

    spec = importlib.util.spec_from_file_location("write_docs", paths.project_root() / "tools" / "write_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_notebook_page_is_current_and_lists_every_key() -> None:
    """docs/notebooks/<nb>.md carries the generated reference: every parameter and every documented key."""
    write_docs = _write_docs()
    for name, spec in config.load_runs().items():
        page = (paths.project_root() / "docs" / "notebooks" / f"{name}.md").read_text(encoding="utf-8")
        assert page == write_docs.page(name, spec, page), f"{name}: run .venv/bin/python tools/write_docs.py"
        listed = {_normalise(k) for k in re.findall(r"`([^`\s]+)`", page)}
        assert [k for k, _ in spec.metrics if _normalise(k) not in listed] == [], name
        assert all(f"| `{p}` |" in page for p in config.notebook_defaults(spec.path)), name


def test_a_stale_page_is_detected() -> None:
    """The check above can fail: a page whose reference lacks a parameter differs from the fresh one."""
    write_docs = _write_docs()
    name, spec = next(iter(config.load_runs().items()))
    fresh = write_docs.page(name, spec, None)
    stale = fresh.replace("| `seed` |", "| `old_seed` |") if "| `seed` |" in fresh else fresh + "edited\n"
    assert write_docs.page(name, spec, stale) != stale


def test_readme_is_a_page_without_history() -> None:
    readme = (paths.project_root() / "README.md").read_text(encoding="utf-8")
    assert readme == _write_docs().readme(readme), "README's roles table is stale: run tools/write_docs.py"
    assert len(readme.splitlines()) <= 200
    assert not re.search(r"\bissue \d+|used to|earlier session", readme, flags=re.IGNORECASE)
    for name in config.load_runs():
        assert f"docs/notebooks/{name}.md" in readme, f"README's catalogue does not link {name}'s page"


def test_every_scheduled_notebook_documents_its_keys() -> None:
    for name, spec in config.load_runs().items():
        assert len(spec.metrics) >= 3, f"{name}: conf/runs.yaml has no metrics: block"
        assert all(meaning.strip() for _, meaning in spec.metrics), name
