# bedrock-costs: `make run` on a fresh clone, `make test` before every commit.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
SAMPLE_DIR := sample_logs
SAMPLE_ARGS ?= --records 100000 --days 14 --start-date 2026-11-01 --seed 42
FIXTURE_DIR := target/fixture_logs
FIXTURE_DB := target/fixture.duckdb
FIXTURE_ARGS := --records 20000 --days 4 --start-date 2026-11-01 --seed 7

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help install run sample build summary test lint dbt-test pytest compile-athena bench report chromium clean

help:
	@echo "make run             install, generate the sample logs if absent, dbt build, print a summary"
	@echo "make test            sqlfluff, dbt build with all data tests on a test fixture, pytest"
	@echo "make compile-athena  compile every model for the athena target, offline (SQL in target/)"
	@echo "make report          write reports/cost_report.html (self-contained, opens offline)"
	@echo "make bench           benchmark 10M records / 30 days, write docs/benchmarks.md (BENCH_ARGS to change)"
	@echo "make sample          (re)generate the bundled sample logs into $(SAMPLE_DIR)/"
	@echo "make clean           remove target/, the sample logs and the DuckDB file"

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed profiles.yml

profiles.yml: | profiles.yml.example
	cp profiles.yml.example profiles.yml

$(SAMPLE_DIR)/ground_truth/app_daily_cost.csv: | $(VENV)/.installed
	$(BIN)/python scripts/generate_sample_logs.py $(SAMPLE_ARGS) --out $(SAMPLE_DIR)

sample: install
	rm -rf $(SAMPLE_DIR)
	$(MAKE) $(SAMPLE_DIR)/ground_truth/app_daily_cost.csv

build: install
	$(DBT) build

summary: install
	$(BIN)/bedrock-costs summary

run: install $(SAMPLE_DIR)/ground_truth/app_daily_cost.csv
	$(DBT) build
	$(BIN)/bedrock-costs summary

lint: install $(FIXTURE_DIR)/ground_truth/app_daily_cost.csv
	$(BIN)/ruff check src tests/bootstrap tests/test_report.py
	$(BIN)/mypy
	BEDROCK_LOGS_PATH=$(FIXTURE_DIR) DBT_DUCKDB_PATH=$(FIXTURE_DB) $(BIN)/sqlfluff lint models macros data-tests

$(FIXTURE_DIR)/ground_truth/app_daily_cost.csv: | $(VENV)/.installed
	$(BIN)/python scripts/generate_sample_logs.py $(FIXTURE_ARGS) --out $(FIXTURE_DIR) --quiet

dbt-test: install $(FIXTURE_DIR)/ground_truth/app_daily_cost.csv
	rm -f $(FIXTURE_DB)
	BEDROCK_LOGS_PATH=$(FIXTURE_DIR) DBT_DUCKDB_PATH=$(FIXTURE_DB) $(DBT) build --full-refresh
	BEDROCK_LOGS_PATH=$(FIXTURE_DIR) DBT_DUCKDB_PATH=$(FIXTURE_DB) $(DBT) docs generate --target-path target/docs

pytest: install chromium
	$(BIN)/python -m pytest

chromium:
	@bash scripts/ensure_chromium.sh

report: install
	$(BIN)/bedrock-costs report

test: lint dbt-test pytest

compile-athena: install
	$(BIN)/python scripts/compile_athena.py

BENCH_ARGS ?= --records 10000000 --days 30

bench: install
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

clean:
	rm -rf target logs $(SAMPLE_DIR) bedrock_costs.duckdb bedrock_costs.duckdb.wal reports/cost_report.html reports/cost_report.png
