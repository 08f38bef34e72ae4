"""Budgets: known daily spend against seeds/app_budgets.csv gives known month-to-date spend,
forecasts and exceed dates; `bedrock-costs budget-alerts` prints the apps over a threshold, exits 1, and
publishes to SNS (moto), or reads the mart from Athena (moto's queued query results).

Spend (priced by the real seeds, $ per 1M input tokens):
- code-review (budget 1500, thresholds 80;100), global. Haiku 4.5 at $1: $50 on Oct 31, $50 a day on
  Nov 1-3 and $100 a day on Nov 4-10;
- legal-drafting (budget 2500, thresholds 50;80;100), us. Opus 4.1 at $15: $300 a day on Nov 1-10;
- a direct call (no budget) of $1.10 on Nov 10 (in-region Haiku 4.5 at $1.10).
The data's last day, Nov 10, is the as-of date."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest
from moto import mock_aws

from bedrock_costs import budget_alerts
from conftest import Project
from test_finops_logs import CODE_REVIEW, HAIKU_45, LEGAL_DRAFTING, Call, at, build, failures, rows

M = 1_000_000
CALLS = [
    Call("cr-oct-31", at(31, month=10), CODE_REVIEW, input_tokens=50 * M),
    *(Call(f"cr-nov-{d}", at(d), CODE_REVIEW, input_tokens=(50 if d <= 3 else 100) * M) for d in range(1, 11)),
    *(Call(f"legal-nov-{d}", at(d), LEGAL_DRAFTING, input_tokens=20 * M) for d in range(1, 11)),
    Call("direct-nov-10", at(10), HAIKU_45, input_tokens=M),
]
BUDGETED = ["analytics", "code-review", "doc-search", "eu-assistant", "legal-drafting", "support-chat"]


@pytest.fixture(scope="module")
def budgets(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project, run = build(tmp_path_factory.mktemp("budgets"), CALLS, ["fct_app_budget_status"])
    assert run.success, failures(run)
    return project


def status(project: Project, app: str, month: str = "2026-11-01") -> dict[str, Any]:
    (row,) = rows(project, f"select * from main.fct_app_budget_status "
                           f"where app = '{app}' and month_start_date = date '{month}'")
    return row


def test_one_row_per_app_and_month(budgets: Project) -> None:
    got = rows(budgets, "select app, month_start_date, is_current_month, budget_status from main.fct_app_budget_status")
    assert sorted((r["app"], str(r["month_start_date"])) for r in got) == sorted(
        (app, month) for app in [*BUDGETED, "unattributed"] for month in ("2026-10-01", "2026-11-01"))
    assert {r["is_current_month"] for r in got if str(r["month_start_date"]) == "2026-11-01"} == {True}
    assert {r["budget_status"] for r in got if r["app"] == "unattributed"} == {"no_budget"}


def test_code_review_month_to_date_and_forecasts(budgets: Project) -> None:
    row = status(budgets, "code-review")
    mtd = 3 * 50 + 7 * 100  # 850
    assert (row["through_date"], row["days_in_month"], row["days_elapsed"], row["days_observed"],
            row["days_remaining"]) == (date(2026, 11, 10), 30, 10, 10, 20)
    assert row["mtd_cost_usd"] == pytest.approx(mtd)
    assert row["pct_of_budget"] == pytest.approx(100 * mtd / 1500)
    assert row["run_rate_forecast_usd"] == pytest.approx(mtd + mtd / 10 * 20)  # 2550
    assert (row["trailing_7d_days_observed"], row["trailing_7d_daily_usd"]) == (7, pytest.approx(100))
    assert row["trailing_7d_forecast_usd"] == pytest.approx(mtd + 100 * 20)  # 2850
    # (1500 - 850) / 100 = 6.5 days -> the 7th day after Nov 10
    assert (row["budget_exceeded_date"], row["projected_exceed_date"]) == (None, date(2026, 11, 17))
    assert (row["highest_threshold_crossed_pct"], row["forecast_threshold_crossed_pct"]) == (None, 100)
    assert row["budget_status"] == "forecast_over_budget"


def test_legal_drafting_is_over_budget_since_the_ninth(budgets: Project) -> None:
    row = status(budgets, "legal-drafting")
    assert row["mtd_cost_usd"] == pytest.approx(3000)
    assert row["pct_of_budget"] == pytest.approx(120)
    # cumulative 2400 on Nov 8, 2700 on Nov 9
    assert row["budget_exceeded_date"] == row["projected_exceed_date"] == date(2026, 11, 9)
    assert row["highest_threshold_crossed_pct"] == 100
    assert row["run_rate_forecast_usd"] == pytest.approx(3000 + 300 * 20)
    assert row["trailing_7d_forecast_usd"] == pytest.approx(3000 + 300 * 20)
    assert row["budget_status"] == "over_budget"


def test_past_month_is_counted_to_its_end(budgets: Project) -> None:
    row = status(budgets, "code-review", "2026-10-01")
    assert (row["through_date"], row["is_current_month"], row["days_observed"], row["days_remaining"]) == (
        date(2026, 10, 31), False, 1, 0)
    assert row["mtd_cost_usd"] == row["run_rate_forecast_usd"] == row["trailing_7d_forecast_usd"] == pytest.approx(50)
    idle = status(budgets, "support-chat")
    assert (idle["mtd_cost_usd"], idle["projected_exceed_date"], idle["budget_status"]) == (0, None, "on_track")
    direct = status(budgets, "unattributed")
    assert direct["mtd_cost_usd"] == pytest.approx(1.1) and direct["pct_of_budget"] is None


def test_as_of_var_and_month_window(budgets: Project, tmp_path: Path) -> None:
    """As of Nov 5, on a copy of the database: the trailing window Oct 30-Nov 5 has data from Oct 31 only."""
    copy = Project(tmp_path, budgets.logs, tmp_path / budgets.database.name)  # same catalog name
    shutil.copy(budgets.root / "profiles.yml", tmp_path / "profiles.yml")
    budgets.query("checkpoint")  # everything out of the WAL into the file
    shutil.copy(budgets.database, copy.database)
    run = copy.dbt("run", "--select", "int_app_daily_spend", "int_budget_months", "int_app_month_spend",
                   "fct_app_budget_status",
                   vars={"bedrock_costs_as_of_date": "2026-11-05", "bedrock_costs_budget_months": 1})
    assert run.success, failures(run)
    months = rows(copy, "select distinct month_start_date from main.fct_app_budget_status")
    assert [str(r["month_start_date"]) for r in months] == ["2026-11-01"]
    row = status(copy, "code-review")
    mtd = 3 * 50 + 2 * 100  # 350
    daily = (50 + mtd) / 6  # Oct 31 to Nov 5
    assert (row["through_date"], row["days_observed"], row["days_remaining"]) == (date(2026, 11, 5), 5, 25)
    assert row["mtd_cost_usd"] == pytest.approx(mtd)
    assert row["run_rate_forecast_usd"] == pytest.approx(mtd + mtd / 5 * 25)
    assert (row["trailing_7d_days_observed"], row["trailing_7d_daily_usd"]) == (6, pytest.approx(daily))
    assert row["trailing_7d_forecast_usd"] == pytest.approx(mtd + daily * 25)
    assert row["projected_exceed_date"] == date(2026, 11, 23)  # (1500 - 350) / 66.67 = 17.25 -> 18 days


# --- bedrock-costs budget-alerts ------------------------------------------------------------------

@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fake credentials; no shared config, profile or instance metadata."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_CONFIG_FILE": str(tmp_path / "none"),
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
                        "AWS_EC2_METADATA_DISABLED": "true"}.items():
        monkeypatch.setenv(name, value)


def test_alerts_list_apps_over_a_threshold_and_exit_1(budgets: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert budget_alerts.main(["--database", str(budgets.database)]) == 1
    out = capsys.readouterr().out
    assert "legal-drafting  $3,000.00" in out and "100% (actual)" in out and "2026-11-09" in out
    assert "code-review" not in out
    assert "1 app(s) over an alert threshold, month to date through 2026-11-10." in out


def test_forecast_adds_apps_the_trailing_rate_puts_over(budgets: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert budget_alerts.main(["--database", str(budgets.database), "--forecast"]) == 1
    out = capsys.readouterr().out
    assert "code-review     $850.00" in out and "100% (forecast)" in out and "2026-11-17" in out


def test_no_app_over_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "quiet.duckdb"
    with duckdb.connect(str(database)) as con:
        con.sql("create table fct_app_budget_status as select 'doc-search' as app, "
                "date '2026-11-01' as month_start_date, date '2026-11-10' as through_date, "
                "true as is_current_month, 300.0 as monthly_budget_usd, 10.0 as mtd_cost_usd, "
                "3.3 as pct_of_budget, 30.0 as trailing_7d_forecast_usd, "
                "10.0 as forecast_pct_of_budget, cast(null as date) as projected_exceed_date, "
                "cast(null as double) as highest_threshold_crossed_pct, "
                "cast(null as double) as forecast_threshold_crossed_pct, 'on_track' as budget_status")
    assert budget_alerts.main(["--database", str(database), "--forecast"]) == 0
    assert "No app over an alert threshold (1 apps, month to date through 2026-11-10)." in capsys.readouterr().out


def test_missing_database_or_mart_is_an_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert budget_alerts.main(["--database", str(tmp_path / "nope.duckdb")]) == 2
    assert "ERROR [InvalidInput]: " in capsys.readouterr().err
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert budget_alerts.main(["--database", str(empty)]) == 1
    assert "ERROR [NoBudgetMart]: main.fct_app_budget_status is not in" in capsys.readouterr().err
    assert budget_alerts.main(["--database", str(empty), "--sns-topic-arn", "not-an-arn"]) == 2


def sns_with_queue(session: boto3.Session) -> tuple[str, str]:
    """A topic and an SQS queue subscribed to it (raw delivery), to read what was published."""
    topic = session.client("sns").create_topic(Name="bedrock-budgets")["TopicArn"]
    sqs = session.client("sqs")
    queue = sqs.create_queue(QueueName="budget-alerts")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    session.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                    Attributes={"RawMessageDelivery": "true"})
    return topic, queue


def test_publishes_the_alert_to_sns(aws_env: None, budgets: Project, capsys: pytest.CaptureFixture[str]) -> None:
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        topic, queue = sns_with_queue(session)
        assert budget_alerts.main(["--database", str(budgets.database), "--sns-topic-arn", topic]) == 1
        messages = session.client("sqs").receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    assert len(messages) == 1
    body = messages[0]["Body"]
    assert body.startswith("Bedrock spend by app, month to date through 2026-11-10 (UTC):")
    assert "- legal-drafting: $3,000.00 of $2,500.00 (120.0%) has reached its 100% threshold" in body
    assert f"published to {topic}" in capsys.readouterr().out


def test_dry_run_prints_the_message_and_publishes_nothing(aws_env: None, budgets: Project,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        topic, queue = sns_with_queue(session)
        assert budget_alerts.main(["--database", str(budgets.database), "--sns-topic-arn", topic, "--dry-run",
                                   "--forecast"]) == 1
        messages = session.client("sqs").receive_message(QueueUrl=queue).get("Messages", [])
    assert messages == []
    out = capsys.readouterr().out
    assert f"would publish to {topic}:" in out and "Bedrock budgets 2026-11: 2 app(s) over an alert threshold" in out
    assert "- code-review: $850.00 of $1,500.00 (56.7%) is forecast to reach its 100% threshold" in out


def test_publish_denied_is_an_error_line(aws_env: None, budgets: Project, capsys: pytest.CaptureFixture[str]) -> None:
    with mock_aws():
        missing = "arn:aws:sns:us-east-1:123456789012:no-such-topic"
        # over a threshold (1) but the alert was not delivered: its own code, so a scheduler can tell
        assert budget_alerts.main(["--database", str(budgets.database), "--sns-topic-arn", missing]) == 4
    assert "ERROR [NotFound]: Publish failed" in capsys.readouterr().err


def test_reads_the_mart_from_athena(aws_env: None, budgets: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """Athena returns strings with a header row first; moto plays back a queued result."""
    from moto.athena.models import QueryResults, athena_backends

    local = rows(budgets, f"{budget_alerts.status_sql('main.fct_app_budget_status')}")
    columns = list(budget_alerts.COLUMNS)

    def cells(values: list[Any]) -> dict[str, list[dict[str, str]]]:
        return {"Data": [{} if v is None else {"VarCharValue": str(v)} for v in values]}

    with mock_aws():
        athena_backends["123456789012"]["us-east-1"].query_results_queue.append(QueryResults(
            rows=[cells(columns), *(cells([row[c] for c in columns]) for row in local)],
            # as Athena describes a column (PyAthena reads every field of it)
            column_info=[{"Name": c, "Label": c, "Type": "varchar", "Precision": 2147483647, "Scale": 0,
                          "Nullable": "UNKNOWN", "CaseSensitive": True} for c in columns]))
        code = budget_alerts.main(["--athena-database", "bedrock_costs", "--athena-output", "s3://results/alerts/",
                                   "--region", "us-east-1"])
    assert code == 1
    out = capsys.readouterr().out
    assert "legal-drafting  $3,000.00" in out and "100% (actual)" in out


def test_the_summary_alerts_on_the_apps_budget_alerts_does(budgets: Project,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """One rule: the summary's "Budget alerts" are the apps budget-alerts exits 1 for; the apps only the
    forecast puts over, and the apps without a budget, are named under it, not listed as alerts."""
    from bedrock_costs import summary
    from bedrock_costs.warehouse import DuckDBWarehouse

    assert budget_alerts.main(["--database", str(budgets.database)]) == 1
    alerted = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:-1]]
    with duckdb.connect(str(budgets.database)) as con:
        text = summary.budget_section(DuckDBWarehouse(connection=con))
    lines = text.splitlines()
    assert lines[0] == "Budget alerts, November 2026 month to date, 2026-11-01 to 2026-11-10 (UTC, 10 days)"
    assert [line.split()[0] for line in lines[3:] if not line.startswith("  ")] == alerted == ["legal-drafting"]
    assert lines[3].split()[:3] == ["legal-drafting", "over_budget", "$3,000.00"]
    assert "  Forecast to reach a threshold by month end: code-review (100%) (budget-alerts --forecast)." in lines
    assert "  No budget: unattributed $1.10 (seeds/app_budgets.csv)." in lines
