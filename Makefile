# bedrock-costs: `make run` on a fresh clone, `make test` before every commit.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
SAMPLE_DIR := sample_logs
# the bundled sample and its bill (a CUR 2.0 export with every shared charge planted: docs/bill.md)
SAMPLE_ARGS ?= --records 100000 --days 14 --start-date 2026-11-01 --seed 42 --cur
FIXTURE_DIR := target/fixture_logs
FIXTURE_DB := target/fixture.duckdb
FIXTURE_ARGS := --records 20000 --days 4 --start-date 2026-11-01 --seed 7 --cur

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help install runtime dashboards dashboards-bundle run sample build summary test lint dbt-test pytest compile-athena bench report readme-example chromium clean trino-up trino-down

help:
	@echo "make run             install, generate the sample logs and their bill if absent, dbt build (quiet), print a summary;"
	@echo "                     with BEDROCK_LOGS_PATH: your logs, into a database of their own, no sample"
	@echo "make summary         print the summary again (cost by app and team, top callers, anomalies, budgets)"
	@echo "make test            ruff, mypy, sqlfluff, dbt build with all data tests on a test fixture, pytest (Trino included)"
	@echo "make compile-athena  compile every model for the athena target, offline (SQL in target/)"
	@echo "make trino-up        start a local Trino 476 (hive, iceberg, memory) on 127.0.0.1:18080 (needs Java 24+, Maven)"
	@echo "make trino-down      stop it"
	@echo "make report          write reports/cost_report.html (self-contained, opens offline)"
	@echo "make dashboards      Superset on http://127.0.0.1:8088 with the dashboards over the built marts"
	@echo "                     (Superset installs once into ~/.cache/bedrock-costs; docs/dashboards.md)"
	@echo "make dashboards-bundle  the dashboards as a Superset import bundle, for a Superset of your own"
	@echo "make readme-example  rebuild the bundled sample in target/ and write its summary into README.md"
	@echo "make bench           benchmark 10M records / 30 days, write docs/benchmarks.md (BENCH_ARGS to change)"
	@echo "make sample          (re)generate the bundled sample logs into $(SAMPLE_DIR)/"
	@echo "make clean           remove target/, the sample logs and the DuckDB file"

# Two installs into one .venv, both with uv (installed there first, with pip, which is upgraded too:
# the pip a venv starts with cannot resolve s3fs's pins). `make run` (and summary, report, sample,
# dashboards) installs the runtime alone: `-e .`, dbt on DuckDB and the AWS commands. `make install`
# (lint, test) adds the warehouses and the development tools ('.[dev]'), and stamps the runtime too.
# --compile-bytecode, as pip does: uv leaves modules uncompiled, and where PYTHONDONTWRITEBYTECODE is
# set (CI images often set it) every dbt start then compiles dbt's own ~1,500 modules: 1.5-2 s a run.
UV := $(BIN)/uv

$(UV):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

$(VENV)/.runtime: pyproject.toml | $(UV)
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -e .
	touch $@

$(VENV)/.installed: pyproject.toml | $(UV)
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	touch $@ $(VENV)/.runtime

install: $(VENV)/.installed profiles.yml

runtime: $(VENV)/.runtime profiles.yml

profiles.yml: | profiles.yml.example
	cp profiles.yml.example profiles.yml

$(SAMPLE_DIR)/ground_truth/bill_truth.json: | $(VENV)/.runtime
	$(BIN)/python scripts/generate_sample_logs.py $(SAMPLE_ARGS) --out $(SAMPLE_DIR) --quiet

sample: runtime
	rm -rf $(SAMPLE_DIR)
	$(MAKE) $(SAMPLE_DIR)/ground_truth/bill_truth.json

build: runtime
	$(DBT) build

# The database: DBT_DUCKDB_PATH, else one per BEDROCK_LOGS_PATH (bedrock_costs_<hash of its absolute
# path>.duckdb), else bedrock_costs.duckdb; `bedrock-costs summary --which-database` is the one rule.
summary: runtime
	@$(BIN)/bedrock-costs summary

# Your logs (BEDROCK_LOGS_PATH) never generate the sample and never share the sample's database.
# dbt is quiet: errors, and what each failing or warning test found (the on-run-end hook), still print.
# The sample's bill comes with it; your logs' bill is BEDROCK_CUR_PATH (docs/bill.md), none when unset.
RUN_LOGS = $(or $(BEDROCK_LOGS_PATH),$(SAMPLE_DIR))
RUN_CUR = $(if $(BEDROCK_LOGS_PATH),$(BEDROCK_CUR_PATH),$(or $(BEDROCK_CUR_PATH),$(SAMPLE_DIR)/cur))

run: runtime $(if $(BEDROCK_LOGS_PATH),,$(SAMPLE_DIR)/ground_truth/bill_truth.json)
	@case "$(RUN_LOGS)" in s3://*) ;; *) test -d "$(RUN_LOGS)" || { echo "ERROR [NoLogs]: BEDROCK_LOGS_PATH=$(RUN_LOGS) is not a folder (the one that contains AWSLogs/)"; exit 1; } ;; esac
	@export DBT_DUCKDB_PATH="$$($(BIN)/bedrock-costs summary --which-database)" BEDROCK_CUR_PATH="$(RUN_CUR)" && \
	echo "Building $$DBT_DUCKDB_PATH from $(RUN_LOGS) (dbt build --quiet) ..." && \
	rm -f target/run_results.json && \
	{ $(DBT) build --quiet; built=$$?; \
	  $(BIN)/bedrock-costs summary --run-results target/run_results.json; summed=$$?; \
	  exit $$(( built ? built : summed )); }

lint: install $(FIXTURE_DIR)/ground_truth/app_daily_cost.csv
	$(BIN)/ruff check src scripts tests examples dashboards
	$(BIN)/mypy
	BEDROCK_LOGS_PATH=$(FIXTURE_DIR) BEDROCK_CUR_PATH=$(FIXTURE_DIR)/cur DBT_DUCKDB_PATH=$(FIXTURE_DB) $(BIN)/sqlfluff lint models macros data-tests

$(FIXTURE_DIR)/ground_truth/app_daily_cost.csv: | $(VENV)/.installed
	$(BIN)/python scripts/generate_sample_logs.py $(FIXTURE_ARGS) --out $(FIXTURE_DIR) --quiet

dbt-test: install $(FIXTURE_DIR)/ground_truth/app_daily_cost.csv
	rm -f $(FIXTURE_DB)
	BEDROCK_LOGS_PATH=$(FIXTURE_DIR) BEDROCK_CUR_PATH=$(FIXTURE_DIR)/cur DBT_DUCKDB_PATH=$(FIXTURE_DB) $(DBT) build --full-refresh
	BEDROCK_LOGS_PATH=$(FIXTURE_DIR) BEDROCK_CUR_PATH=$(FIXTURE_DIR)/cur DBT_DUCKDB_PATH=$(FIXTURE_DB) $(DBT) docs generate --target-path target/docs

# Two workers (pytest-xdist), each taking a whole module at a time (--dist loadscope: a module's
# fixtures are built once); conftest.py hands out the slowest modules first. PYTEST_WORKERS=0 runs
# everything in this process.
PYTEST_WORKERS ?= 2

pytest: install chromium
	$(BIN)/python -m pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadscope)

chromium:
	@bash scripts/ensure_chromium.sh

report: runtime
	@$(BIN)/bedrock-costs report

# The Superset dashboards (dashboards/superset/) over the database `make run` built: the same rule
# as summary's (DBT_DUCKDB_PATH, else one per BEDROCK_LOGS_PATH, else bedrock_costs.duckdb).
DASHBOARDS_PORT ?= 8088

dashboards: runtime
	@$(BIN)/python dashboards/superset/serve.py --port $(DASHBOARDS_PORT) \
	    --database "$$($(BIN)/bedrock-costs summary --which-database)"

# For your own Superset: DASHBOARDS_URI=trino://user@host:443/iceberg DASHBOARDS_SCHEMA=bedrock_costs
dashboards-bundle: runtime
	@$(BIN)/python dashboards/superset/serve.py --bundle-only target/bedrock_costs_dashboards.zip \
	    $(if $(DASHBOARDS_URI),--uri "$(DASHBOARDS_URI)") $(if $(DASHBOARDS_SCHEMA),--schema "$(DASHBOARDS_SCHEMA)")

# README.md's example output, from a fresh build of the bundled sample ($(SAMPLE_ARGS)) in target/;
# tests/test_summary.py fails when the README block differs from it.
README_EXAMPLE := target/readme_example

readme-example: runtime
	rm -rf $(README_EXAMPLE)
	$(BIN)/python scripts/generate_sample_logs.py $(SAMPLE_ARGS) --out $(README_EXAMPLE)/logs --quiet
	BEDROCK_LOGS_PATH=$(README_EXAMPLE)/logs BEDROCK_CUR_PATH=$(README_EXAMPLE)/logs/cur \
	    DBT_DUCKDB_PATH=$(README_EXAMPLE)/bedrock_costs.duckdb $(DBT) build --quiet --target-path $(README_EXAMPLE)/target
	DBT_DUCKDB_PATH=$(README_EXAMPLE)/bedrock_costs.duckdb $(BIN)/bedrock-costs summary --readme README.md

test: lint dbt-test pytest

compile-athena: install
	$(BIN)/python scripts/compile_athena.py

BENCH_ARGS ?= --records 10000000 --days 30

bench: install
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

clean:
	rm -rf target logs $(SAMPLE_DIR) bedrock_costs.duckdb bedrock_costs.duckdb.wal reports/cost_report.html reports/cost_report.png

trino-up:
	bash scripts/trino_local.sh start

trino-down:
	bash scripts/trino_local.sh stop
