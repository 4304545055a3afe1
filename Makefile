# cloudintel: `make demo` runs the pipeline on the bundled sample corpus; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_HOME := $(CURDIR)/.cloudintel-demo

.PHONY: install demo ship-model test test-postgres test-browser test-faults lint unit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install  ## serve the sample corpus on 127.0.0.1, run the daily pipeline once (impact by the shipped model), print what it stored
	rm -rf $(DEMO_HOME)
	CLOUDINTEL_HOME=$(DEMO_HOME) $(BIN)/cloudintel demo

# The impact model shipped in the package: trained on models/data only (no analyst labels), in a
# throwaway home. Run after changing models/data or the features; tests/models/test_artifacts.py fails
# while the shipped model's training-data hash differs from models/data's.
ship-model: install
	rm -rf $(CURDIR)/.ship-home
	CLOUDINTEL_HOME=$(CURDIR)/.ship-home CLOUDINTEL_MODEL_DIR=$(CURDIR)/models/shipped $(BIN)/cloudintel model train
	$(BIN)/python -m models.ship_detector
	rm -rf $(CURDIR)/.ship-home

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint  ## lint, type-check, then the test suite on SQLite (about 2 minutes)
	CLOUDINTEL_TEST_BACKEND=sqlite $(BIN)/pytest -m "not postgres and not browser and not faults"

# The whole suite with every warehouse on a real PostgreSQL (a throwaway server from the PostgreSQL
# binaries, or CLOUDINTEL_TEST_POSTGRES_URL): what `make test` runs, plus the fault tests that run on
# a warehouse (crash before each step, concurrent runs, kill-and-rerun), which are marked `postgres`
# in this mode. Tests marked sqlite_only are skipped with their reason.
test-postgres: install  ## the whole suite again on a real PostgreSQL, with the database fault tests (11-15 minutes)
	CLOUDINTEL_TEST_BACKEND=postgresql $(BIN)/pytest -m "not browser and (not faults or postgres)"

test-faults: install  ## fault injection, kill-and-rerun, concurrent runs, on SQLite (~10 minutes)
	CLOUDINTEL_TEST_BACKEND=sqlite $(BIN)/pytest -m "faults and not postgres"

test-browser: install  ## the web pages in Debian's chromium (/usr/bin/chromium; apt-get install chromium)
	$(BIN)/pytest -m browser

unit: install  ## the fast tests only: no whole-flow runs, no PostgreSQL, no browser
	CLOUDINTEL_TEST_BACKEND=sqlite $(BIN)/pytest -m "not flow and not postgres and not browser and not faults"

clean:
	rm -rf $(VENV) $(DEMO_HOME) .pytest_cache .mypy_cache .ruff_cache *.egg-info
