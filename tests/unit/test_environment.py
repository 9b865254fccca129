"""Set-up files stay in step: the lock pins name==version without URLs, environment.yml matches the pip install."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import write_environment as we  # noqa: E402

REQUIRED = {"jupyterlab", "pandas", "scikit-learn", "lightgbm", "implicit", "bertopic", "statsmodels", "papermill",
            "nbval"}


def test_lock_pins_every_line_without_urls() -> None:
    lines = [ln.split("#", 1)[0].strip() for ln in (ROOT / "requirements.lock").read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert lines, "requirements.lock is empty"
    bad = [ln for ln in lines if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", ln)]
    assert bad == [], f"not name==version: {bad}"
    assert "://" not in (ROOT / "requirements.lock").read_text()


def test_required_packages_are_direct_dependencies_and_pinned() -> None:
    direct = set(we.requirement_names((ROOT / "requirements.in").read_text())) | we.PIP_ONLY
    pins = we.lock_versions((ROOT / "requirements.lock").read_text())
    assert REQUIRED <= direct
    assert [n for n in direct if n not in pins] == []
    assert "torch" not in pins and "sentence-transformers" not in pins  # the light BERTopic install


def test_environment_yml_lists_the_same_packages_at_the_same_versions() -> None:
    direct = we.requirement_names((ROOT / "requirements.in").read_text()) + sorted(we.PIP_ONLY)
    pins = we.lock_versions((ROOT / "requirements.lock").read_text())
    assert (ROOT / "environment.yml").read_text() == we.render(direct, pins), "run `make env`"
    listed = dict(re.findall(r"^\s+- ([a-z0-9_.\-]+)==([^\s]+)$", (ROOT / "environment.yml").read_text(), re.M))
    assert listed == {n: pins[n] for n in direct}


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme.split("\n## ", 1)[0]  # the command stands at the top of the README
    assert re.search(r"^make test$", ci, re.M)


def test_required_packages_import_without_torch() -> None:
    # the light BERTopic install (no torch, no sentence-transformers) must import with its light dependencies
    import subprocess

    code = ("import sys\n"
            "import bertopic, hdbscan, implicit, jieba, lightgbm, nbval, pandera, papermill, sklearn, splink\n"
            "import statsmodels, umap\n"
            "from bertopic import BERTopic\n"
            "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
