"""What a user installs: the wheel into a clean virtualenv (the slim runtime, no development tool, no
sample generator), and the dbt project as a dbt package of another project (docs/dbt-package.md),
built on DuckDB from sample logs with that virtualenv's dbt, checked against the generator's ground truth."""

from __future__ import annotations

import csv
import subprocess
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from conftest import GENERATOR, REPO
from venvs import make_venv, run_in, uv

CENT = 0.005
# Development tools and warehouse adapters: `[dev]`, `[athena]` and `[trino]`, never the runtime.
NOT_RUNTIME = ("pytest", "moto", "mypy", "ruff", "sqlfluff", "sqlglot", "boto3-stubs", "dbt-metricflow",
               "dbt-athena", "dbt-trino", "uv")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([uv() or "uv", "build", "--quiet", "--out-dir", str(out), str(REPO)],
                   check=True, capture_output=True, text=True, timeout=600)
    (found,) = out.glob("bedrock_costs-*.whl")
    return found


@pytest.fixture(scope="module")
def runtime_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean virtualenv with the wheel and its dependencies only (`pip install bedrock-costs`)."""
    return make_venv(tmp_path_factory.mktemp("runtime") / "venv", [str(wheel)], "the wheel")


def test_the_wheel_ships_the_package_and_no_generator(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "bedrock_costs/commands.py" in names and "bedrock_costs/py.typed" in names
    assert "bedrock_costs/report/render.py" in names
    assert not [name for name in names if "sample" in name or name.startswith(("scripts/", "tests/"))], names
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    required = [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    runtime = [req for req in required if "extra ==" not in req]
    assert {req.split(">")[0].split("<")[0].split("=")[0] for req in runtime} == {
        "dbt-core", "dbt-duckdb", "duckdb", "s3fs", "boto3", "slack-sdk"}, runtime  # slack-sdk: notify
    extras = {line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Provides-Extra:")}
    assert extras == {"athena", "trino", "dev"}


def test_the_wheel_installs_clean_and_its_command_runs(runtime_venv: Path) -> None:
    shown = run_in(runtime_venv, ["bedrock-costs", "--help"])
    assert shown.returncode == 0, shown.stderr
    for command in ("enable-logging", "summary", "report", "validate"):
        assert command in shown.stdout
    version = run_in(runtime_venv, ["bedrock-costs", "--version"])
    assert version.stdout.strip() == "bedrock-costs 0.1.0", version
    imported = run_in(runtime_venv, ["python", "-c", "import bedrock_costs; print(bedrock_costs.__file__)"])
    assert str(runtime_venv) in imported.stdout, "bedrock_costs came from the checkout, not the wheel"
    installed = run_in(runtime_venv, ["python", "-m", "pip", "list", "--format=freeze"]).stdout
    if not installed:  # uv makes virtualenvs without pip
        installed = subprocess.run([uv() or "uv", "pip", "freeze", "--python", str(runtime_venv / "bin" / "python")],
                                   capture_output=True, text=True, check=True).stdout
    names = {line.split("==")[0].lower() for line in installed.splitlines() if "==" in line}
    assert "dbt-duckdb" in names and "boto3" in names
    assert not names & set(NOT_RUNTIME), f"development packages in the runtime: {sorted(names & set(NOT_RUNTIME))}"


CONSUMER_PROJECT = """\
name: analytics
version: "1.0.0"
config-version: 2
profile: analytics

models:
  bedrock_costs:
    +schema: bedrock_costs
seeds:
  bedrock_costs:
    +schema: bedrock_costs
    # the consumer's own budgets replace the package's
    app_budgets:
      +enabled: false
  analytics:
    +schema: bedrock_costs

# The package's settings, under its name (docs/dbt-package.md).
vars:
  bedrock_costs:
    bedrock_costs_logs_path: "{logs}"

# The package's versions of two dbt macros (the test scoping, the trino seed table).
dispatch:
  - macro_namespace: dbt
    search_order: ["analytics", "bedrock_costs", "dbt"]
"""

CONSUMER_PROFILE = """\
analytics:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{database}"
      threads: 2
"""


def dbt(venv: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"DBT_PROFILES_DIR": str(project), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "BEDROCK_LOGS_PATH": "",
           "BEDROCK_CUR_PATH": ""}
    return run_in(venv, ["dbt", *args, "--project-dir", str(project)], env=env, cwd=project)


def test_another_dbt_project_builds_the_marts_from_the_package(runtime_venv: Path, tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    subprocess.run([sys.executable, str(GENERATOR), "--records", "2000", "--days", "2", "--start-date", "2026-11-01",
                    "--seed", "11", "--out", str(logs), "--quiet", "--workers", "2"], check=True, capture_output=True)
    project = tmp_path / "analytics"
    (project / "models").mkdir(parents=True)
    database = tmp_path / "analytics.duckdb"
    (project / "dbt_project.yml").write_text(CONSUMER_PROJECT.format(logs=logs))
    (project / "profiles.yml").write_text(CONSUMER_PROFILE.format(database=database))
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO}\n")
    # the consumer's own budgets (seeds/app_budgets.csv, the package's columns) and model over a mart
    (project / "seeds").mkdir()
    (project / "seeds" / "app_budgets.csv").write_text(
        "app,monthly_usd,alert_thresholds_pct,subscriber_emails\nsupport-chat,1234,50;100,\n")
    (project / "models" / "team_spend.sql").write_text(
        "select team, sum(cost_usd) as cost_usd from {{ ref('bedrock_costs', 'fct_daily_app_cost') }} group by team\n")

    deps = dbt(runtime_venv, project, "deps")
    assert deps.returncode == 0, deps.stdout + deps.stderr
    assert (project / "dbt_packages" / "bedrock_costs" / "dbt_project.yml").exists()
    built = dbt(runtime_venv, project, "build")
    assert built.returncode == 0, built.stdout[-5000:]

    with duckdb.connect(str(database), read_only=True) as con:
        schemas = dict(con.sql("select table_name, table_schema from information_schema.tables").fetchall())
        marts = {row[0]: row[1:] for row in con.sql(
            "select app || '|' || strftime(usage_date, '%Y-%m-%d'), sum(request_count), sum(cost_usd) "
            "from main_bedrock_costs.fct_daily_app_cost group by all").fetchall()}
        teams = dict(con.sql("select team, cost_usd from main.team_spend").fetchall())
        budgets = con.sql("select app, monthly_budget_usd, alert_thresholds_pct from main_bedrock_costs"
                          ".fct_app_budget_status where monthly_budget_usd is not null").fetchall()
    # the package's models and seeds in the consumer's schema for it; the consumer's own model in its own
    for name in ("fct_daily_app_cost", "fct_daily_app_caller_cost", "fct_app_budget_status", "fct_cost_anomalies",
                 "stg_bedrock__log_lines", "model_pricing", "profile_map"):
        assert schemas.get(name) == "main_bedrock_costs", (name, schemas.get(name))
    assert schemas["team_spend"] == "main"
    assert schemas["app_budgets"] == "main_bedrock_costs"
    assert budgets == [("support-chat", 1234.0, "50;100")], "the consumer's budgets, not the package's"

    # the figures: the generator's ground truth, per app and day and per team (read from the namespaced var's path)
    expected: dict[str, list[float]] = {}
    expected_teams: dict[str, float] = defaultdict(float)
    with (logs / "ground_truth" / "app_daily_cost.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            key = f"{row['app']}|{row['usage_date']}"
            requests, cost = expected.get(key, [0, 0.0])
            expected[key] = [requests + int(row["request_count"]), cost + float(row["cost_usd"])]
            expected_teams[row["team"]] += float(row["cost_usd"])
    assert set(marts) == set(expected)
    for key, (requests, cost) in expected.items():
        assert marts[key][0] == requests, key
        assert marts[key][1] == pytest.approx(cost, abs=CENT), key
    assert teams.keys() == expected_teams.keys()
    for team, cost in expected_teams.items():
        assert teams[team] == pytest.approx(cost, abs=CENT), team

    # the package's on-run-start hook runs in the consumer's build: another log root stops it before reading
    moved = dbt(runtime_venv, project, "build", "--vars", f"{{bedrock_costs_logs_path: '{tmp_path / 'other'}'}}")
    assert moved.returncode != 0
    assert "LOG ROOT CHANGED" in moved.stdout, moved.stdout[-3000:]
