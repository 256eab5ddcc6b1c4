# The front door. Two commands a newcomer needs:  `make demo`  and  `make test`.
# Both create .venv (plain venv) and install the pinned lock file first.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed

# Telemetry off for every tool; dbt reads the committed profiles.yml.
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export RUNTIME__DLTHUB_TELEMETRY := false
export GX_ANALYTICS_ENABLED := false
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup demo test lint lint-python lint-sql governance pytest docs bench lock clean

help:
	@echo "make demo   - install, generate the demo company, ingest, validate, build, print the scorecard"
	@echo "make test   - install, then ruff, sqlfluff, dbt-bouncer governance and pytest (incl. a full dbt build)"
	@echo "make lint   - the static checks only;  make docs - dbt docs on localhost:8080"
	@echo "make lock   - re-resolve requirements.lock from pyproject.toml"

$(STAMP): requirements.lock pyproject.toml
	@echo "==> setting up $(VENV) with $(PYTHON)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	@$(BIN)/ai-roi demo

lint-python: setup
	@echo "==> ruff"
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

target/manifest.json: setup
	@$(BIN)/dbt parse --quiet

governance: setup
	@echo "==> dbt parse + dbt-bouncer (manifest governance)"
	@$(BIN)/dbt parse --quiet
	@$(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml

lint-sql: setup
	@echo "==> sqlfluff (dbt templater)"
	@mkdir -p warehouse
	@$(BIN)/sqlfluff lint models analyses tests/dbt --processes 2

lint: lint-python governance lint-sql

pytest: setup
	@echo "==> pytest"
	@$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test: lint pytest

docs: setup
	@$(BIN)/dbt docs generate --quiet && $(BIN)/dbt docs serve --port 8080 --host 127.0.0.1

bench: setup
	@$(BIN)/python -m ingestion.bench

lock:
	@$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --quiet -o requirements.lock

clean:
	rm -rf target logs warehouse data .pytest_cache
