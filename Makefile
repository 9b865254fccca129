# Customer Insights Lab. `make help` lists the targets. Everything runs from the project's own .venv, made by
# `make setup` (idempotent; quick when nothing changed). Needs only python3 (3.11) and make.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(PYTHON) -m uv
UV_VERSION := 0.13.9
BERTOPIC := bertopic==0.17.4
STAMP := $(VENV)/.setup-done
SIZE ?= small
SEED ?= 42
PROFILE ?= $(SIZE)
ARGS ?=  # more arguments for `experiments run`, e.g. make run ARGS="-p engine=spark -p spark_master=local[2]"
NBVAL_WORLD := .cache/nbval
export OPENBLAS_NUM_THREADS := 1

.PHONY: help setup run data reports test test-fast nbval lint lock env bench screenshot clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: $(STAMP)  ## create .venv from requirements.lock and register the Jupyter kernel `cil`

$(STAMP): requirements.lock pyproject.toml
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv==$(UV_VERSION)"
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip sync --quiet --compile-bytecode --python $(PY) requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	$(PY) -m compileall -q src >/dev/null  # bytecode up front: kernels start fast even with PYTHONDONTWRITEBYTECODE
	$(PY) -m ipykernel install --sys-prefix --name cil --display-name "Customer Insights Lab" >/dev/null
	@git rev-parse --git-dir >/dev/null 2>&1 && $(PY) -m nbstripout --install >/dev/null 2>&1 || true
	@touch $(STAMP)
	@echo "setup done: $(VENV) with kernel 'cil'"

run: setup  ## the main job: generate the company (SIZE=small), run every notebook, publish reports/index.html
	$(PY) -m experiments data generate --size $(SIZE) --seed $(SEED)
	$(PY) -m experiments run --profile $(PROFILE) $(ARGS)

data: setup  ## only generate the synthetic company into data/raw (SIZE, SEED)
	$(PY) -m experiments data generate --size $(SIZE) --seed $(SEED)

reports: setup  ## only run the notebooks on the data already there and publish reports
	$(PY) -m experiments run --profile $(PROFILE) $(ARGS)

# --dist loadscope: each test module runs on one worker, so a module fixture (the browser test's hostile runs) runs
# once. loadgroup would not: pytest-xdist 3.8.0 marks groups by setting item._nodeid, which pytest 9.2 no longer reads,
# so the xdist_group marks are ignored (measured: the browser fixture ran on both workers, 250 s each).
test: setup  ## the whole suite: lint, unit, planted-truth, notebook smoke runs, real data, then nbval over notebooks/
	$(PY) -m ruff check src tests tools bench notebooks
	$(PY) -m pytest -n 2 --dist loadscope tests
	$(MAKE) --no-print-directory nbval

nbval: setup  ## replay the committed notebooks with their default parameters on a tiny world (pytest --nbval-lax)
	rm -rf $(NBVAL_WORLD)
	CIL_DATA_DIR=$(NBVAL_WORLD)/data CIL_REPORTS_DIR=$(NBVAL_WORLD)/reports $(PY) -m experiments data generate --size tiny --seed 7
	CIL_DATA_DIR=$(CURDIR)/$(NBVAL_WORLD)/data CIL_REPORTS_DIR=$(CURDIR)/$(NBVAL_WORLD)/reports \
		$(PY) -m pytest -p no:xdist --nbval-lax --nbval-kernel-name cil --nbval-cell-timeout 600 notebooks/

test-fast: setup  ## the inner loop (about 2 minutes): tests not marked slow (tests/conftest.py: no notebook runs, no small worlds)
	$(PY) -m pytest -n 2 -m "not slow" tests

lint: setup  ## ruff over src, tests, tools and bench
	$(PY) -m ruff check src tests tools bench notebooks

lock: ## re-pin requirements.lock from requirements.in (name==version, no URLs) and refresh environment.yml
	$(UV) pip compile requirements.in --python-version 3.11 --no-annotate --no-header -o requirements.lock
	echo "$(BERTOPIC)" >> requirements.lock
	$(MAKE) --no-print-directory env

env: ## write environment.yml from requirements.in and the versions in requirements.lock
	$(PYTHON) tools/write_environment.py

bench: setup  ## benchmarks: the main job at small, generation and cleaning at large; figures in bench/results/
	$(PY) bench/bench_main.py --size small
	$(PY) bench/bench_main.py --size large --generate-only
	$(PY) bench/bench_generate.py --size large
	$(PY) bench/bench_cleaning.py --size large
	$(PY) bench/bench_churn.py --size large
	$(PY) bench/bench_segments.py --size large
	$(PY) bench/bench_service.py --size large
	$(PY) bench/bench_abtest.py --size large
	$(PY) bench/bench_feedback.py
	$(PY) bench/bench_recommend.py --size large

screenshot: ## render reports/index.html to reports/index.png with Debian's chromium-headless-shell
	@command -v chromium-headless-shell >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq chromium-headless-shell >/dev/null)
	$(PY) tools/screenshot.py reports/index.html reports/index.png

clean: ## remove generated data, reports and caches (keeps .venv)
	rm -rf data/raw/* data/interim/* data/processed/* reports/*/ reports/index.html .cache .pytest_cache
