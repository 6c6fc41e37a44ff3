# One Makefile for people and CI: `.ci/run` calls these same targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= supportqa-demo
SERVE ?= 1
PORT ?= 8000

.PHONY: setup setup-dev demo test lint format typecheck bench check clean

# Two installs into one .venv: what `make demo` needs (supportqa alone, no torch: ~0.6 GB), then what
# the tests and linters add (dev tools, torch for the MiniLM/export encoders, scikit-learn).
$(BIN)/supportqa: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@echo "Installing supportqa and its dependencies into $(VENV) (the first time takes a minute or two)"
	@$(PYTHON) scripts/progress.py "pip" -- $(BIN)/pip install --progress-bar off --upgrade pip
	@$(PYTHON) scripts/progress.py "pip" -- $(BIN)/pip install --progress-bar off -e .
	@touch $@

$(VENV)/.dev-tools: pyproject.toml $(BIN)/supportqa
	@echo "Installing the dev tools, torch (CPU) and scikit-learn into $(VENV) (the first time takes a few minutes)"
	@$(PYTHON) scripts/progress.py "pip" -- $(BIN)/pip install --progress-bar off -e ".[dev,models,onnx,learn]"
	@touch $@

setup: $(BIN)/supportqa  ## create .venv and install supportqa (what `make demo` runs)

setup-dev: $(VENV)/.dev-tools  ## add the dev tools, the optional encoders and scikit-learn (what `make test` runs)

demo: setup  ## 2,000 conversations in ./supportqa-demo (SQLite): score, report, demo users, serve (SERVE=0: don't)
	$(BIN)/supportqa demo --dir $(DEMO_DIR) --port $(PORT) $(if $(filter 0,$(SERVE)),--no-serve,)

test: setup-dev  ## run the test suite
	$(BIN)/pytest

lint: setup-dev  ## ruff lint and format check; import-linter enforces the layers (pyproject [tool.importlinter])
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports

format: setup-dev
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

typecheck: setup-dev  ## mypy --strict over the package
	$(BIN)/mypy

check: lint typecheck test

bench: setup-dev  ## print benchmark figures (not timed tests)
	$(BIN)/python benchmarks/bench_scoring.py
	$(BIN)/python benchmarks/bench_iqs_query.py
	$(BIN)/python benchmarks/bench_judge.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(DEMO_DIR)
