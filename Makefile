# Coordinator: everything runs from a project-local virtual environment (.venv).
# `make run` and `make test` set it up on first use and are quick afterwards.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SAMPLE_DB ?= .sample/coordinator-sample.db

.PHONY: setup run test lint bench screenshots clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Coordinator needs Python 3.11 or newer (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

## Launch the desktop app on a sample coalition database (created on first run).
run: setup
	@mkdir -p $(dir $(SAMPLE_DB))
	$(BIN)/python main.py --db "$(SAMPLE_DB)" --demo

## Run the whole test suite (Qt offscreen, set in tests/conftest.py).
test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .

bench: setup
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .sample .pytest_cache .ruff_cache
