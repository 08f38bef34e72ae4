"""Budget alerts: the apps whose Bedrock spend this month is over an alert threshold.

    bedrock-costs budget-alerts [--database bedrock_costs.duckdb] [--forecast]
    bedrock-costs budget-alerts --athena-database bedrock_costs [--athena-workgroup primary]
        [--athena-output s3://my-athena-results/alerts/] --region us-east-1 [--profile prod]
    ... [--sns-topic-arn arn:aws:sns:us-east-1:111122223333:bedrock-budgets] [--dry-run]

Reads the as-of month of fct_app_budget_status (`dbt build --select +fct_app_budget_status`) from the
DuckDB file, or from Athena, and prints every app whose month-to-date spend has reached one of its
alert thresholds in seeds/app_budgets.csv; with --forecast, also the apps whose trailing-7-day
forecast will reach one by month end. Exit code 1 when any app is over, 0 when none is.

With --sns-topic-arn the same list is published to the topic, once per run and only when an app is
over; --dry-run prints the message instead of publishing it. When the publish fails, the list is
still printed and the exit code is 4, so a scheduler can tell "over budget" from "not delivered".
"""

from __future__ import annotations

import argparse
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from bedrock_costs.aws import make_session
from bedrock_costs.cli import ExitCode, command_parser, run_guarded
from bedrock_costs.errors import DeliveryError, InputError, SetupError
from bedrock_costs.results import progress
from bedrock_costs.tables import table

MART = "fct_app_budget_status"
COLUMNS = (
    "app", "month_start_date", "through_date", "monthly_budget_usd", "mtd_cost_usd", "pct_of_budget",
    "trailing_7d_forecast_usd", "forecast_pct_of_budget", "projected_exceed_date",
    "highest_threshold_crossed_pct", "forecast_threshold_crossed_pct", "budget_status",
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")
_TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:(?P<region>[a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}(?P<fifo>\.fifo)?")
_S3_URI = re.compile(r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")
_BUILD_HINT = "build it first: dbt build --select +fct_app_budget_status"
EXIT_CODES: dict[int, str] = {
    ExitCode.OK: "no app over an alert threshold",
    ExitCode.FAILED: "an app is over an alert threshold (the table lists them), or, with an ERROR line, the "
                     "mart could not be read",
    ExitCode.DELIVERY_FAILED: "an app is over a threshold, but the SNS publish failed: the alert was printed, "
                              "not delivered",
}


@dataclass(frozen=True)
class BudgetRow:
    """One app's as-of month in fct_app_budget_status."""

    app: str
    month_start_date: date
    through_date: date
    monthly_budget_usd: float | None
    mtd_cost_usd: float
    pct_of_budget: float | None
    trailing_7d_forecast_usd: float | None
    forecast_pct_of_budget: float | None
    projected_exceed_date: date | None
    highest_threshold_crossed_pct: float | None
    forecast_threshold_crossed_pct: float | None
    budget_status: str


@dataclass(frozen=True)
class Alert:
    """An app over a threshold: `actual` spend has reached it, or the `forecast` will."""

    row: BudgetRow
    kind: str
    threshold_pct: float


def status_sql(relation: str) -> str:
    """The as-of month's rows of the budget mart."""
    return f"select {', '.join(COLUMNS)} from {relation} where is_current_month order by app"


def _number(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def to_row(values: dict[str, Any]) -> BudgetRow:
    """A BudgetRow from column -> value (DuckDB values, or Athena's strings)."""
    return BudgetRow(
        app=str(values["app"]),
        month_start_date=_date(values["month_start_date"]),  # type: ignore[arg-type]
        through_date=_date(values["through_date"]),  # type: ignore[arg-type]
        monthly_budget_usd=_number(values["monthly_budget_usd"]),
        mtd_cost_usd=_number(values["mtd_cost_usd"]) or 0.0,
        pct_of_budget=_number(values["pct_of_budget"]),
        trailing_7d_forecast_usd=_number(values["trailing_7d_forecast_usd"]),
        forecast_pct_of_budget=_number(values["forecast_pct_of_budget"]),
        projected_exceed_date=_date(values["projected_exceed_date"]),
        highest_threshold_crossed_pct=_number(values["highest_threshold_crossed_pct"]),
        forecast_threshold_crossed_pct=_number(values["forecast_threshold_crossed_pct"]),
        budget_status=str(values["budget_status"]),
    )


# --- reading the mart -------------------------------------------------------------------------

def read_duckdb(database: Path, schema: str) -> list[BudgetRow]:
    """The as-of month from the DuckDB file the local target builds."""
    import duckdb

    if not database.is_file():
        raise InputError(f"{database} does not exist: pass --database, or {_BUILD_HINT}")
    with duckdb.connect(str(database), read_only=True) as con:
        try:
            relation = con.sql(status_sql(f"{schema}.{MART}"))
        except duckdb.CatalogException as error:
            raise SetupError("NoBudgetMart", f"{schema}.{MART} is not in {database}: {_BUILD_HINT}") from error
        return [to_row(dict(zip(relation.columns, values, strict=True))) for values in relation.fetchall()]


def run_athena_query(session: boto3.Session, region: str, sql: str, database: str, workgroup: str,
                     output: str | None, sleep: Callable[[float], None] = time.sleep,
                     timeout_seconds: float = 300.0) -> list[dict[str, str | None]]:
    """Run one query on Athena and return its rows as column -> string (NULL as None)."""
    athena = session.client("athena", region_name=region)
    request: dict[str, Any] = {"QueryString": sql, "QueryExecutionContext": {"Database": database},
                               "WorkGroup": workgroup}
    if output:
        request["ResultConfiguration"] = {"OutputLocation": output}
    execution_id = athena.start_query_execution(**request)["QueryExecutionId"]
    waited = 0.0
    while True:
        status = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]["Status"]
        if status["State"] == "SUCCEEDED":
            break
        if status["State"] in ("FAILED", "CANCELLED"):
            reason = status.get("StateChangeReason", "no reason given")
            hint = f" ({_BUILD_HINT})" if "TABLE_NOT_FOUND" in reason or "does not exist" in reason else ""
            raise SetupError("AthenaQueryFailed", f"query {execution_id} {status['State'].lower()}: {reason}{hint}")
        if waited >= timeout_seconds:
            raise SetupError("AthenaTimeout",
                             f"query {execution_id} still {status['State']} after {timeout_seconds:g}s")
        sleep(1.0)
        waited += 1.0
    names: list[str] = []
    rows: list[list[str | None]] = []
    for page in athena.get_paginator("get_query_results").paginate(QueryExecutionId=execution_id):
        names = names or [column["Name"] for column in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
        rows += [[cell.get("VarCharValue") for cell in row.get("Data", [])] for row in page["ResultSet"]["Rows"]]
    if rows and rows[0] == names:  # a SELECT's first row is its header
        rows = rows[1:]
    return [dict(zip(names, values, strict=False)) for values in rows]  # as Athena sent them, short or not


def read_athena(session: boto3.Session, region: str, database: str, workgroup: str,
                output: str | None) -> list[BudgetRow]:
    """The as-of month from the mart Athena built (the dbt target's schema)."""
    rows = run_athena_query(session, region, status_sql(f'"{database}"."{MART}"'), database, workgroup, output)
    return [to_row(values) for values in rows]


# --- alerts -----------------------------------------------------------------------------------

def find_alerts(rows: Sequence[BudgetRow], forecast: bool) -> list[Alert]:
    """Apps over a threshold (actual), and with `forecast` the ones only the forecast puts over."""
    alerts: list[Alert] = []
    for row in rows:
        if row.highest_threshold_crossed_pct is not None:
            alerts.append(Alert(row, "actual", row.highest_threshold_crossed_pct))
        elif forecast and row.forecast_threshold_crossed_pct is not None:
            alerts.append(Alert(row, "forecast", row.forecast_threshold_crossed_pct))
    return alerts


def _usd(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def alert_lines(alerts: Sequence[Alert]) -> list[tuple[str, ...]]:
    """The table rows: app, spend, budget, % of budget, threshold, forecast, projected exceed date."""
    return [(a.row.app, _usd(a.row.mtd_cost_usd), _usd(a.row.monthly_budget_usd), _pct(a.row.pct_of_budget),
             f"{a.threshold_pct:g}% ({a.kind})", _usd(a.row.trailing_7d_forecast_usd),
             str(a.row.projected_exceed_date or "-")) for a in alerts]


HEADERS = ("app", "month to date", "budget", "of budget", "threshold", "forecast", "exceeds on")


def message(alerts: Sequence[Alert]) -> tuple[str, str]:
    """The SNS subject (at most 100 characters) and body."""
    month = alerts[0].row.month_start_date.strftime("%Y-%m")
    through = alerts[0].row.through_date
    subject = f"Bedrock budgets {month}: {len(alerts)} app(s) over an alert threshold"[:100]
    lines = [f"Bedrock spend by app, month to date through {through} (UTC):", ""]
    for alert in alerts:
        verb = "has reached" if alert.kind == "actual" else "is forecast to reach"
        lines.append(f"- {alert.row.app}: {_usd(alert.row.mtd_cost_usd)} of {_usd(alert.row.monthly_budget_usd)} "
                     f"({_pct(alert.row.pct_of_budget)}) {verb} its {alert.threshold_pct:g}% threshold; "
                     f"forecast {_usd(alert.row.trailing_7d_forecast_usd)}, "
                     f"exceeds on {alert.row.projected_exceed_date or '-'}")
    lines += ["", "Source: fct_app_budget_status (bedrock-costs)."]
    return subject, "\n".join(lines)


def topic_region(topic_arn: str) -> str:
    """The region of an SNS topic ARN, or InputError."""
    match = _TOPIC_ARN.fullmatch(topic_arn)
    if not match:
        raise InputError(f"--sns-topic-arn {topic_arn!r} is not an SNS topic ARN "
                         "(arn:aws:sns:<region>:<account>:<name>)")
    return match["region"]


def publish(session: boto3.Session | None, topic_arn: str, subject: str, body: str, dry_run: bool) -> str:
    """Publish the alert to the topic (never in a dry run: no session is needed then); say what was done."""
    if dry_run or session is None:
        return f"would publish to {topic_arn}:\n{subject}\n\n{body}"
    request: dict[str, Any] = {"TopicArn": topic_arn, "Subject": subject, "Message": body}
    if topic_arn.endswith(".fifo"):
        request |= {"MessageGroupId": "bedrock-budgets"}
    message_id = session.client("sns", region_name=topic_region(topic_arn)).publish(**request)["MessageId"]
    return f"published to {topic_arn} (message {message_id})"


# --- command line -----------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("budget-alerts", __doc__, exit_codes=EXIT_CODES)
    parser.add_argument("--database", type=Path,
                        default=Path(os.environ.get("DBT_DUCKDB_PATH", "bedrock_costs.duckdb")),
                        help="the DuckDB file of the local target (default $DBT_DUCKDB_PATH or bedrock_costs.duckdb)")
    parser.add_argument("--schema", default="main", help="DuckDB schema of the marts (default main)")
    parser.add_argument("--athena-database", help="read from Athena instead: the Glue database of the marts")
    parser.add_argument("--athena-workgroup", default="primary", help="Athena workgroup (default primary)")
    parser.add_argument("--athena-output", help="s3:// location for query results (default: the workgroup's)")
    parser.add_argument("--forecast", action="store_true",
                        help="also alert on apps whose trailing-7-day forecast reaches a threshold")
    parser.add_argument("--sns-topic-arn", help="publish the alert to this SNS topic when an app is over")
    return parser.parse_args(argv)


def check_args(args: argparse.Namespace) -> None:
    """Every command-line check, before any read or call to AWS."""
    if not _IDENTIFIER.fullmatch(args.schema):
        raise InputError(f"--schema {args.schema!r} is not a plain identifier")
    if args.athena_database and not _IDENTIFIER.fullmatch(args.athena_database):
        raise InputError(f"--athena-database {args.athena_database!r} is not a plain identifier")
    if args.athena_output and not _S3_URI.fullmatch(args.athena_output):
        raise InputError(f"--athena-output {args.athena_output!r} must be an s3:// URI")
    if args.sns_topic_arn:
        topic_region(args.sns_topic_arn)


def run(args: argparse.Namespace) -> int:
    check_args(args)
    session: boto3.Session | None = None
    if args.athena_database or (args.sns_topic_arn and not args.dry_run):
        session = make_session(args.profile, args.region)
    if args.athena_database and session is not None:
        region = session.region_name or (topic_region(args.sns_topic_arn) if args.sns_topic_arn else None)
        if not region:
            raise InputError("no AWS region for Athena: pass --region, or set AWS_REGION")
        progress(f"reading {args.athena_database}.{MART} on Athena ({region})")
        rows = read_athena(session, region, args.athena_database, args.athena_workgroup, args.athena_output)
    else:
        progress(f"reading {args.schema}.{MART} from {args.database}")
        rows = read_duckdb(args.database, args.schema)
    if not rows:
        raise SetupError("NoBudgetRows", f"{MART} has no row for the as-of month: {_BUILD_HINT}")
    alerts = find_alerts(rows, args.forecast)
    through = rows[0].through_date
    if not alerts:
        print(f"No app over an alert threshold ({len(rows)} apps, month to date through {through}).")
        return ExitCode.OK
    print(table(HEADERS, alert_lines(alerts)))
    print(f"{len(alerts)} app(s) over an alert threshold, month to date through {through}.")
    if args.sns_topic_arn:
        subject, body = message(alerts)
        try:
            print(publish(session, args.sns_topic_arn, subject, body, args.dry_run))
        except (ClientError, BotoCoreError) as error:
            raise DeliveryError(f"the alert above was printed but not delivered to {args.sns_topic_arn}") from error
    return ExitCode.FAILED


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))

