# The front door. Two commands a newcomer needs:  `make demo`  and  `make test`.
# Both create .venv (plain venv) and install the pinned lock file first.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark

# Telemetry off for every tool; dbt reads the committed profiles.yml.
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export RUNTIME__DLTHUB_TELEMETRY := false
export GX_ANALYTICS_ENABLED := false
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
# dbt's file log at info (its default, debug, logs every statement: ~1 s per build)
export DBT_LOG_LEVEL_FILE ?= info
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup setup-spark test-spark java demo test lint lint-python lint-sql lint-macros typecheck governance semantic pytest docs bench bench-git study lock clean \
	report report-png export browser

help:
	@echo "make demo   - install, generate the demo company, ingest, validate, build, print the scorecard"
	@echo "make test   - install, then the static checks (make lint) and pytest (incl. a full dbt build)"
	@echo "make lint   - the static checks only (ruff, mypy, dbt-bouncer, sqlfluff incl. the macros, MetricFlow)"
	@echo "make lint-macros - sqlfluff over the SQL the macros generate (part of make lint)"
	@echo "make docs   - dbt docs on localhost:8080"
	@echo "make lock   - re-resolve requirements.lock (and requirements-spark.lock) from pyproject.toml"
	@echo "make test-spark - the demo built on Spark (local session), marts compared with DuckDB"
	@echo "make report - the HTML report from the marts (reports/ai_roi_report.html)"
	@echo "make export - the BI file: exports/ai_roi_bi.duckdb (and a .parquet per mart), the published marts only"
	@echo "make study  - the hours-saved estimate against the truth of several simulated worlds (bias, spread, interval coverage)"

$(STAMP): requirements.lock pyproject.toml Makefile
	@echo "==> setting up $(VENV) with $(PYTHON)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)

# The Spark extra (pyspark, dbt-spark[session]) on top of the base lock: README: Running on Spark.
$(SPARK_STAMP): requirements-spark.lock $(STAMP)
	@echo "==> installing the Spark extra (requirements-spark.lock)"
	@$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements-spark.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(SPARK_STAMP)

setup-spark: $(SPARK_STAMP) java

# Spark needs a Java 17+ runtime: Debian's, installed when missing and root.
java:
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> installing Java 17 (Debian) for Spark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends openjdk-17-jre-headless >/dev/null; \
	else echo "==> java missing and not root: install a Java 17 runtime for Spark"; exit 1; fi

# The demo company built on Spark (local session) and every mart compared with the DuckDB
# build; AI_ROI_TEST_REUSE_DEMO=<dir> reuses a built demo as for pytest.
test-spark: setup-spark
	@$(BIN)/python -m ingestion.spark.check

demo: setup
	@$(BIN)/ai-roi demo

lint-python: setup
	@echo "==> ruff"
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

# mypy over the modules listed in pyproject.toml ([tool.mypy] files; the rest is listed there too)
typecheck: setup
	@echo "==> mypy"
	@$(BIN)/mypy

target/manifest.json: setup
	@$(BIN)/dbt parse --quiet

governance: setup
	@echo "==> dbt parse + dbt-bouncer (manifest governance)"
	@$(BIN)/dbt parse --quiet
	@$(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml

# Linted against a throwaway DuckDB file, so the result never depends on the local
# warehouse (incremental models render their full-refresh branch).
lint-sql: setup
	@echo "==> sqlfluff (dbt templater)"
	@tmp=$$(mktemp -d) && AI_ROI_DUCKDB_PATH=$$tmp/lint.duckdb \
		$(BIN)/sqlfluff lint models analyses tests/dbt --processes 2; \
		rc=$$?; rm -rf $$tmp; exit $$rc

# The SQL the macros generate, where the models call them (.sqlfluff-macros says why).
lint-macros: setup
	@echo "==> sqlfluff over the macros' output (call sites, templated code included)"
	@tmp=$$(mktemp -d) && AI_ROI_DUCKDB_PATH=$$tmp/lint.duckdb \
		$(BIN)/sqlfluff lint models analyses tests/dbt --config .sqlfluff-macros --processes 2; \
		rc=$$?; rm -rf $$tmp; exit $$rc

# MetricFlow semantic layer: validate the semantic models, metrics and saved queries.
# mf connects through dbt (`dbt debug`), so it gets a throwaway DuckDB file, never the warehouse;
# the data-warehouse checks run in pytest against the demo warehouse.
semantic: setup
	@echo "==> MetricFlow validate-configs"
	@$(BIN)/dbt parse --quiet
	@tmp=$$(mktemp -d) && AI_ROI_DUCKDB_PATH=$$tmp/semantic_lint.duckdb \
		$(BIN)/python -m ingestion.report.metricflow_cli validate-configs --skip-dw; \
		rc=$$?; rm -rf $$tmp; exit $$rc

lint: lint-python typecheck governance lint-sql lint-macros semantic

pytest: setup
	@echo "==> pytest"
	@$(BIN)/pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test: browser lint pytest

# Debian's chromium for the report's headless-browser test; idempotent, skipped when not root.
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> installing chromium (Debian) for the report's browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium >/dev/null; \
	else echo "==> chromium missing and not root: the browser test will be skipped"; fi

report: setup
	@$(BIN)/python -m ingestion.report

# Refresh docs/report.png (the README's screenshot) from reports/ai_roi_report.html.
report-png: report browser
	@$(BIN)/python -m ingestion.report.browser reports/ai_roi_report.html docs/report.png

export: setup
	@$(BIN)/python -m ingestion.export

docs: setup
	@$(BIN)/dbt docs generate --quiet && $(BIN)/dbt docs serve --port 8080 --host 127.0.0.1

# Benchmarks print figures; they are never timed tests (not part of `make test`).
# `make bench BENCH_ARGS="--sizes 1/8,1/4"` for a quick run; results in bench/results.json.
# `--spark` in BENCH_ARGS adds the Spark column (and installs the Spark extra first).
bench: $(if $(findstring --spark,$(BENCH_ARGS)),setup-spark,setup)
	@$(BIN)/python -m ingestion.bench $(BENCH_ARGS)

# The git source's 100k-commit load.
# The hours-saved estimator against the truth of several simulated worlds (bias, spread,
# interval coverage): `make study STUDY_ARGS="--seeds 0-39 --reuse"`; not a test.
study: setup
	@$(BIN)/python -m ingestion.bench.estimator_study $(STUDY_ARGS)

bench-git: setup
	@$(BIN)/python -m ingestion.sources.git.bench --commits 100000

lock:
	@$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes --quiet -o requirements.lock
	@$(BIN)/uv pip compile pyproject.toml --extra dev --extra spark -c requirements.lock --python-version 3.11 --generate-hashes --quiet -o requirements-spark.lock

clean:
	rm -rf target logs warehouse data .pytest_cache reports exports
