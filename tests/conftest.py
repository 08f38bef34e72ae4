"""Shared helpers: generate sample logs, run dbt in-process on a temporary DuckDB file, query it."""

from __future__ import annotations

import atexit
import copy
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "scripts" / "generate_sample_logs.py"

# `make test` runs the tests on two workers, each taking a whole module at a time (pytest-xdist,
# --dist loadscope, so a module's fixtures are built once). The modules that take longest are
# handed out first, so that none of them starts when the other worker has nothing left to do.
# Measured with `pytest --durations=0` (docs/development.md); the rest keep their order.
SLOWEST_MODULES = ("test_trino", "test_bad_input", "test_real_accounts", "test_incremental", "test_bill_chargeback",
                   "test_incremental_edges", "test_bill", "test_benchmark", "test_athena_moto", "test_dashboards")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: position for position, name in enumerate(SLOWEST_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))


@contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@dataclass
class DbtRun:
    """The outcome of one dbt invocation: its result and every message it logged."""

    result: dbtRunnerResult
    messages: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.result.success

    def statuses(self) -> dict[str, str]:
        """node name -> status ('success', 'pass', 'fail', 'warn', 'error', 'skipped')."""
        results = getattr(self.result.result, "results", None) or []
        return {r.node.name: str(r.status) for r in results}


@dataclass
class Parsed:
    manifest: Any  # dbt's Manifest as parsed, never run: each call gets a copy (a run marks nodes compiled)
    env_vars: dict[str, str]  # the environment variables the parse read, and their values
    target: Path  # its manifest.json and semantic_manifest.json


# parse-once cache of Project.dbt, per worker: (vars, DuckDB file name, profiles.yml) -> parses
PARSED: dict[tuple[str, str, str], list[Parsed]] = {}
PARSED_ROOT = Path(tempfile.mkdtemp(prefix="bedrock-costs-parsed-"))
atexit.register(shutil.rmtree, PARSED_ROOT, True)
UNSET = "DBT_DEFAULT_PLACEHOLDER"  # what a parse records for a variable it read that was not set
UNCACHED_COMMANDS = {"parse", "docs", "debug", "deps", "clean", "init"}


@dataclass
class Project:
    """A scratch copy of the dbt settings: its own DuckDB file, logs folder, target and profile."""

    root: Path
    logs: Path
    database: Path
    project_dir: Path = REPO
    default_vars: dict[str, Any] = field(default_factory=dict)  # merged under each call's vars

    def dbt(self, *args: str, vars: dict[str, Any] | None = None) -> DbtRun:
        messages: list[str] = []

        def collect(event: Any) -> None:
            messages.append(event.info.msg)

        command = [*args, "--project-dir", str(self.project_dir), "--profiles-dir", str(self.root),
                   "--target-path", str(self.root / "target"), "--log-path", str(self.root / "logs")]
        vars = {**self.default_vars, **(vars or {})}
        if vars:
            command += ["--vars", json.dumps(vars)]
        with environment(BEDROCK_LOGS_PATH=str(self.logs), DBT_DUCKDB_PATH=str(self.database),
                         DBT_TARGET="local", DBT_SEND_ANONYMOUS_USAGE_STATS="false"):
            started = time.monotonic()
            manifest = self._parsed(args[0], vars, collect)
            result = dbtRunner(manifest=manifest, callbacks=[collect]).invoke(command)
        if os.environ.get("BEDROCK_COSTS_TEST_DBT_LOG"):  # one line per dbt call: what `make test` spends on dbt
            with open(os.environ["BEDROCK_COSTS_TEST_DBT_LOG"], "a") as log:
                log.write(json.dumps({"test": os.environ.get("PYTEST_CURRENT_TEST", ""), "args": list(args),
                                      "seconds": round(time.monotonic() - started, 2)}) + "\n")
        return DbtRun(result, messages)

    def _parsed(self, command: str, vars: dict[str, Any], collect: Any) -> Any:
        """A copy of the project as parsed for the same vars, profile and environment, parsed once
        per worker: a parse is a third of a small build (12 -> 8 s), and dbt's partial parsing
        starts over in each scratch project, whose DuckDB path differs. None (dbt parses, as a
        user's does) for a private copy of the project, for commands that write the parse's
        artifacts themselves, with BEDROCK_COSTS_TEST_REPARSE=1, and when the parse fails (the
        command then parses again and says why)."""
        if self.project_dir != REPO or command in UNCACHED_COMMANDS or os.environ.get("BEDROCK_COSTS_TEST_REPARSE"):
            return None
        key = (json.dumps(vars, sort_keys=True), self.database.stem, (self.root / "profiles.yml").read_text())
        for parsed in PARSED.get(key, []):
            if all(os.environ.get(name, UNSET) == value for name, value in parsed.env_vars.items()):
                break
        else:
            target = PARSED_ROOT / f"parse-{sum(len(entries) for entries in PARSED.values())}"
            command_line = ["parse", "--project-dir", str(REPO), "--profiles-dir", str(self.root),
                            "--target-path", str(target), "--log-path", str(target / "logs")]
            result = dbtRunner(callbacks=[collect]).invoke(
                command_line + (["--vars", json.dumps(vars)] if vars else []))
            if not result.success:
                return None
            manifest: Any = result.result
            env_vars = dict(manifest.env_vars)
            if str(self.logs) not in (target / "manifest.json").read_text():
                env_vars.pop("BEDROCK_LOGS_PATH", None)  # read while parsing, but nothing parsed holds it
            parsed = Parsed(manifest, env_vars, target)
            PARSED.setdefault(key, []).append(parsed)
        (self.root / "target").mkdir(parents=True, exist_ok=True)
        for artifact in ("manifest.json", "semantic_manifest.json"):  # what a parse leaves for readers
            if (parsed.target / artifact).exists():
                shutil.copy(parsed.target / artifact, self.root / "target" / artifact)
        manifest = copy.deepcopy(parsed.manifest)
        for name in [name for name in manifest.__dict__ if name.startswith("_") and name.endswith("_lookup")]:
            setattr(manifest, name, None)  # dbt builds its lookups again, on the copy's nodes
        return manifest

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database)) as con:
            return con.sql(sql).fetchall()

    def query_rows(self, sql: str) -> list[dict[str, Any]]:
        with duckdb.connect(str(self.database)) as con:
            relation = con.sql(sql)
            return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]

    def mart(self, name: str) -> list[dict[str, Any]]:
        return self.query_rows(f"select * from main.{name}")


def make_project(root: Path, logs: Path, own_copy: bool = False) -> Project:
    """A scratch project; with own_copy, a private copy of the dbt project whose seeds a test may edit."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "profiles.yml.example", root / "profiles.yml")
    project_dir = REPO
    if own_copy:
        project_dir = root / "dbt_project"
        project_dir.mkdir()
        shutil.copy(REPO / "dbt_project.yml", project_dir)
        for folder in ("models", "macros", "seeds", "data-tests"):
            shutil.copytree(REPO / folder, project_dir / folder)
    return Project(root=root, logs=logs, database=root / "bedrock_costs.duckdb", project_dir=project_dir)


def reporting_views(database: Path, root: Path) -> Path:
    """The core reporting models (models/reporting/, views) built over marts a test made by hand in
    ``database``: the summary and the report read them. The FinOps, bill and alert ones are left out
    (their marts and audit views are not there)."""
    project = make_project(root, root / "no-logs")
    project.database = database
    run = project.dbt("run", "--select", "path:models/reporting", "--exclude", "path:models/reporting/finops",
                      "path:models/reporting/bill", "path:models/reporting/alerts")
    assert run.success, "\n".join(m for m in run.messages if "rror" in m)
    return database


def generate(out: Path, records: int, days: int, start: str, seed: int, *flags: str) -> None:
    subprocess.run(
        [sys.executable, str(GENERATOR), "--records", str(records), "--days", str(days),
         "--start-date", start, "--seed", str(seed), "--out", str(out), "--quiet", "--workers", "2", *flags],
        check=True, capture_output=True,
    )


def read_truth(logs: Path, name: str) -> list[dict[str, str]]:
    with (logs / "ground_truth" / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Realistic sample logs (4 days) built once with `dbt build`: every data test must pass."""
    root = tmp_path_factory.mktemp("sample")
    project = make_project(root / "project", root / "logs")
    generate(project.logs, records=20_000, days=4, start="2026-11-01", seed=11)
    run = project.dbt("build")
    assert run.success, "\n".join(m for m in run.messages if "ERROR" in m or "FAIL" in m)
    return project


RUN_STAMPS = ("loaded_at", "summed_at")  # when a build read a line or summed a day: differ by design


def assert_same_rows(actual: list[dict[str, Any]], expected: list[dict[str, Any]], label: str = "") -> None:
    """The same rows in any order; floats (sums of doubles, whose last bits depend on the order
    of summation) equal to within 1e-9, everything else exactly. The run stamps are left out."""
    actual = [{k: v for k, v in row.items() if k not in RUN_STAMPS} for row in actual]
    expected = [{k: v for k, v in row.items() if k not in RUN_STAMPS} for row in expected]
    def key(row: dict[str, Any]) -> tuple:
        return tuple(str(v) for k, v in sorted(row.items()) if not isinstance(v, float))

    assert len(actual) == len(expected), (label, len(actual), len(expected))
    for got, want in zip(sorted(actual, key=key), sorted(expected, key=key), strict=True):
        assert got.keys() == want.keys(), label
        for column, value in want.items():
            if isinstance(value, float) or isinstance(got[column], float):
                assert got[column] == pytest.approx(value, abs=1e-9), (label, column, want)
            else:
                assert got[column] == value, (label, column, want)
