# Two commands on a fresh clone: `make run` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help run test setup lint lab clean distclean

help: ## this list
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install reportkit (done by every target on first use)

run: $(STAMP) ## ingest data/raw, run the notebooks, write charts and the briefing under outputs/
	$(BIN)/reportkit run

test: $(STAMP) ## ruff, then the whole test suite
	$(BIN)/ruff check reportkit tests benchmarks
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff only
	$(BIN)/ruff check reportkit tests benchmarks

lab: $(STAMP) ## JupyterLab at the project root (notebooks/, outputs/, data/ and docs/ in its file browser)
	$(BIN)/jupyter lab --notebook-dir=.

clean: ## remove what `make run` wrote (outputs/, data/processed/); keeps .venv
	rm -rf outputs data/processed/*.parquet data/processed/*.csv data/processed/cache

distclean: clean ## clean, and remove .venv too (the next command reinstalls)
	rm -rf $(VENV)
