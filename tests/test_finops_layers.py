"""The FinOps layer's shape: it reads int_hourly_usage, never a mart; one calendar (int_finops_calendar)
holds the as-of date and every window, with no query at compile time; every setting is a var declared
once in dbt_project.yml; the seeds are cleaned once (models/staging/seeds); one macro maps a Region or
a profile prefix to its geography. Expected values are worked out by hand."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, Project, make_project

FINOPS_SQL = [*(REPO / "models" / "intermediate" / "finops").glob("*.sql"),
              *(REPO / "models" / "marts" / "finops").glob("*.sql"),
              *(REPO / "macros" / "finops").glob("*.sql"),
              *(REPO / "models" / "staging" / "seeds").glob("*.sql"),
              REPO / "macros" / "geography.sql", REPO / "macros" / "metadata_keys.sql"]


def show(project: Project, sql: str, vars: dict[str, Any] | None = None) -> list[tuple]:
    run = project.dbt("show", "--inline", sql, "--limit", "100", vars=vars)
    assert run.success, "\n".join(m for m in run.messages if "rror" in m)
    return [tuple(row) for row in run.result.result.results[0].agate_table.rows]


def test_no_intermediate_model_reads_a_mart(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", tmp_path / "logs")
    assert project.dbt("parse").success
    manifest = json.loads((project.root / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"]
    readers = {
        node["name"]: sorted(nodes[parent]["name"] for parent in node["depends_on"]["nodes"]
                             if nodes.get(parent, {}).get("original_file_path", "").startswith("models/marts/"))
        for node in nodes.values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/intermediate/")
    }
    assert len(readers) >= 15
    assert {name: marts for name, marts in readers.items() if marts} == {}


def test_no_finops_model_queries_at_compile_time() -> None:
    """The as-of date comes from int_finops_calendar in SQL: no run_query, no depends_on hint."""
    offenders = [f"{path.relative_to(REPO)}: {pattern}" for path in FINOPS_SQL
                 for pattern in ("run_query", "load_relation", "-- depends_on", "statement(")
                 if pattern in path.read_text()]
    assert offenders == []
    assert not (REPO / "macros" / "finops" / "finops_as_of_date.sql").exists()


def test_every_finops_setting_is_a_var_declared_once_in_dbt_project() -> None:
    declared = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]
    text = "\n".join(path.read_text() for path in FINOPS_SQL)
    with_default = re.findall(r"\bvar\(\s*'(\w+)'\s*,", text)
    assert with_default == [], "a default belongs in dbt_project.yml, not in a var() call"
    used = set(re.findall(r"\b(?:var|finops_number|finops_date|finops_sql_list)\(\s*'(bedrock_costs_\w+)'", text))
    assert {"bedrock_costs_as_of_date", "bedrock_costs_anomaly_min_ratio", "bedrock_costs_residency_pinned_apps",
            "bedrock_costs_metadata_keys"} <= used
    assert sorted(used - declared.keys()) == []
    assert "finops_var_defaults" not in text
    assert (declared["bedrock_costs_as_of_date"], declared["bedrock_costs_finops_window_days"],
            declared["bedrock_costs_residency_pinned_geographies"]) == (None, 30, ["eu"])


def test_the_calendar_holds_the_as_of_date_and_every_window(sample: Project) -> None:
    """The sample's calls run from Nov 1 to Nov 4, 2026: the last day is the as-of date."""
    columns = ("first_usage_date, as_of_date, as_of_month_start_date, budget_start_date, budget_spend_start_date, "
               "window_start_date, anomaly_detect_start_date, anomaly_baseline_start_date")
    sql = f"select {columns} from {{{{ ref('int_finops_calendar') }}}}"
    (default,) = show(sample, sql)
    assert default == (date(2026, 11, 1), date(2026, 11, 4), date(2026, 11, 1), date(2025, 12, 1),
                       date(2025, 11, 25), date(2026, 10, 6), date(2026, 11, 3), date(2026, 10, 20))
    (as_of,) = show(sample, sql, vars={"bedrock_costs_as_of_date": "2026-11-02", "bedrock_costs_budget_months": 1,
                                       "bedrock_costs_finops_window_days": 0, "bedrock_costs_anomaly_detect_days": 1,
                                       "bedrock_costs_anomaly_baseline_days": 7})
    # a zero-day window is one day; one budget month is the as-of month
    assert as_of == (date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 1), date(2026, 11, 1),
                     date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 2), date(2026, 10, 26))
    bad = sample.dbt("show", "--inline", sql, vars={"bedrock_costs_as_of_date": "Nov 2"})
    assert not bad.success and any("bedrock_costs_as_of_date must be a date" in m for m in bad.messages)


def test_each_ephemeral_steps_columns_are_the_documented_ones(sample: Project) -> None:
    """An ephemeral step is in no catalog, so test_docs cannot see its columns: compare them here."""
    documented = {model["name"]: [column["name"] for column in model["columns"]]
                  for model in yaml.safe_load((REPO / "models" / "intermediate" / "finops" / "_finops__models.yml")
                                              .read_text())["models"]
                  if model.get("config", {}).get("materialized") == "ephemeral"}
    assert len(documented) >= 8
    # one `dbt show` of every step: it runs each selected ephemeral model and returns a result for each
    run = sample.dbt("show", "--select", *documented, "--limit", "1")
    assert run.success, [m for m in run.messages if "rror" in m]
    shown = {result.node.name: list(result.agate_table.column_names) for result in run.result.result.results}
    for name, columns in documented.items():
        assert shown.get(name) == columns, name


GEOGRAPHIES = [
    ("us-east-1", "us"), ("us-west-2", "us"), ("us-gov-west-1", "us-gov"), ("eu-west-1", "eu"),
    ("eu-central-2", "eu"), ("ap-southeast-2", "apac"), ("ap-northeast-1", "apac"), ("ca-central-1", "ca"),
    ("sa-east-1", "sa-east-1"), ("us", "us"), ("eu", "eu"), ("apac", "apac"), ("jp", "jp"), ("au", "au"),
    ("ca", "ca"), ("us-gov", "us-gov"), ("global", "global"),
]


@pytest.fixture(scope="module")
def geographies(sample: Project) -> dict[str, list[str]]:
    """Each case's Region or prefix -> the geographies the macro gives it, all cases in one `dbt show`."""
    cases = " union all ".join(f"select '{where}' as place, {{{{ bedrock_costs.aws_geography(\"'{where}'\") }}}}"
                               f" as geography" for where, _ in GEOGRAPHIES)
    given: dict[str, list[str]] = {}
    for place, geography in show(sample, cases):
        given.setdefault(place, []).append(geography)
    return given


@pytest.mark.parametrize(("where", "geography"), GEOGRAPHIES)
def test_a_region_or_profile_prefix_has_one_geography(geographies: dict[str, list[str]], where: str,
                                                      geography: str) -> None:
    assert geographies[where] == [geography]


def test_the_residency_mart_serves_each_call_in_its_regions_geography(sample: Project) -> None:
    expected = {"us-east-1": "us", "us-east-2": "us", "us-west-1": "us", "us-west-2": "us", "eu-west-1": "eu",
                "eu-west-2": "eu", "eu-west-3": "eu", "eu-central-1": "eu", "eu-north-1": "eu", "eu-south-1": "eu",
                "eu-south-2": "eu", "ap-southeast-2": "apac", "ap-northeast-1": "apac", "ap-south-1": "apac",
                "ap-northeast-2": "apac", "ap-northeast-3": "apac", "ap-southeast-1": "apac",
                "ap-southeast-4": "apac", "ca-central-1": "ca", "us-gov-west-1": "us-gov", "us-gov-east-1": "us-gov"}
    rows = sample.query("select distinct serving_region, serving_geography from main.fct_daily_residency")
    assert rows and {region for region, _ in rows} <= expected.keys()
    assert {region: geography for region, geography in rows} == {region: expected[region] for region, _ in rows}


@pytest.fixture(scope="module")
def messy_seeds(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The seeds as a hand edit leaves them: stray spaces, a threshold that is not a number."""
    root = tmp_path_factory.mktemp("messy_seeds")
    project = make_project(root / "project", root / "logs", own_copy=True)
    seeds = project.project_dir / "seeds"
    budgets = (seeds / "app_budgets.csv").read_text()
    edited = budgets.replace("code-review,1500,80;100,", " code-review ,1500, 80 ; 100 ;,").replace(
        "doc-search,300,90;100,", "doc-search,300,90%;100,")
    assert edited != budgets
    (seeds / "app_budgets.csv").write_text(edited)
    callers = (seeds / "caller_map.csv").read_text()
    (seeds / "caller_map.csv").write_text(callers.replace("jenkins-bot,platform", " jenkins-bot , platform "))
    run = project.dbt("build", "--select", "+stg_seeds__app_budget_thresholds", "+stg_seeds__caller_map",
                      "+stg_seeds__profile_map", "--indirect-selection", "cautious")
    assert {n: s for n, s in run.statuses().items() if s not in ("success", "pass")} == {
        "not_null_stg_seeds__app_budget_thresholds_threshold_pct": "warn"}
    return project


def test_budgets_are_trimmed_and_their_thresholds_parsed_once(messy_seeds: Project) -> None:
    assert messy_seeds.query("select app, monthly_budget_usd, alert_thresholds_pct "
                             "from main_staging.stg_seeds__app_budgets "
                             "where app in ('code-review', 'doc-search') order by app") == [
        ("code-review", 1500.0, "80 ; 100 ;"), ("doc-search", 300.0, "90%;100")]
    thresholds = messy_seeds.query("select app, threshold_position, threshold_text, threshold_pct "
                                   "from main_staging.stg_seeds__app_budget_thresholds "
                                   "where app in ('code-review', 'doc-search') order by app, threshold_position")
    assert thresholds == [("code-review", 1, "80", 80.0), ("code-review", 2, "100", 100.0),
                          ("doc-search", 1, "90%", None), ("doc-search", 2, "100", 100.0)]
    assert messy_seeds.query("select count(*) from main_staging.stg_seeds__app_budget_thresholds") == [(14,)]


def test_caller_names_are_trimmed(messy_seeds: Project) -> None:
    assert messy_seeds.query("select department from main_staging.stg_seeds__caller_map "
                             "where caller_name = 'jenkins-bot'") == [("platform",)]
    assert messy_seeds.query("select count(*) from main_staging.stg_seeds__profile_map where profile_arn is null") == [
        (0,)]
