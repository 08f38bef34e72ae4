"""Budget alerts: the apps whose Bedrock spend this month is over an alert threshold.

    bedrock-costs budget-alerts [--database bedrock_costs.duckdb] [--forecast]
    bedrock-costs budget-alerts --target athena|trino        (the dbt target's warehouse, from profiles.yml)
    bedrock-costs budget-alerts --athena-database bedrock_costs [--athena-workgroup primary]
        [--athena-output s3://my-athena-results/alerts/] --region us-east-1 [--profile prod]
    ... [--sns-topic-arn arn:aws:sns:us-east-1:111122223333:bedrock-budgets] [--dry-run]

Reads the as-of month of fct_app_budget_status (`dbt build --select +fct_app_budget_status`) from the
DuckDB file, or from the dbt target's Trino or Athena, and prints every app whose month-to-date spend
is over budget or has reached one of its alert thresholds in seeds/app_budgets.csv; with --forecast,
also the apps whose trailing-7-day forecast will reach one by month end. `bedrock-costs summary`
lists the same apps. Exit code 1 when any app is over, 0 when none is.

With --sns-topic-arn the same list is published to the topic, once per run and only when an app is
over; --dry-run prints the message instead of publishing it. When the publish fails, the list is
still printed and the exit code is 4, so a scheduler can tell "over budget" from "not delivered".
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from bedrock_costs.aws import make_session
from bedrock_costs.cli import ExitCode, command_parser, run_guarded, target_arguments
from bedrock_costs.errors import DeliveryError, InputError, SetupError
from bedrock_costs.results import progress
from bedrock_costs.tables import table
from bedrock_costs.terminal import printable
from bedrock_costs.warehouse import (
    AthenaWarehouse,
    DuckDBWarehouse,
    MissingRelation,
    Warehouse,
    as_date,
    is_true,
    open_warehouse,
    render_select,
)

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


CURRENT_MONTH = [is_true("is_current_month")]


def status_sql(relation: str) -> str:
    """The as-of month's rows of the budget mart, as the reader asks for them."""
    return render_select(relation, COLUMNS, CURRENT_MONTH, ["app"])[0]


def _number(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def _date(value: Any) -> date | None:
    return as_date(value)


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

def read_rows(warehouse: Warehouse) -> list[BudgetRow]:
    """The as-of month of the budget mart, through the one reader (any engine)."""
    try:
        rows = warehouse.read(MART, COLUMNS, CURRENT_MONTH, ["app"])
    except MissingRelation as error:
        raise SetupError("NoBudgetMart", f"{warehouse.schema}.{MART} is not in {warehouse.where}: {_BUILD_HINT}") \
            from error
    return [to_row(values) for values in rows]


def read_duckdb(database: Path, schema: str) -> list[BudgetRow]:
    """The as-of month from the DuckDB file the local target builds."""
    if not database.is_file():
        raise InputError(f"{database} does not exist: pass --database, or {_BUILD_HINT}")
    with DuckDBWarehouse(database, schema) as warehouse:
        return read_rows(warehouse)


def read_athena(session: boto3.Session, region: str, database: str, workgroup: str,
                output: str | None) -> list[BudgetRow]:
    """The as-of month from the mart Athena built (the dbt target's schema), through PyAthena."""
    with AthenaWarehouse(session, region, database, work_group=workgroup, s3_staging_dir=output) as warehouse:
        return read_rows(warehouse)


# --- alerts -----------------------------------------------------------------------------------

OVER = ("over_budget", "over_threshold")  # budget_status values that alert on the spend itself


def alert_of(row: BudgetRow) -> Alert | None:
    """The one alert rule (this command and the summary): an app over budget or over a threshold is an
    `actual` alert, at the highest threshold crossed (100% for a budget passed without one); an app
    with a budget whose trailing-7-day forecast reaches a threshold or the budget is a `forecast` alert."""
    if row.budget_status in OVER:
        return Alert(row, "actual", row.highest_threshold_crossed_pct or 100.0)
    if row.budget_status != "no_budget" and (row.forecast_threshold_crossed_pct is not None
                                             or row.budget_status == "forecast_over_budget"):
        return Alert(row, "forecast", row.forecast_threshold_crossed_pct or 100.0)
    return None


def find_alerts(rows: Sequence[BudgetRow], forecast: bool) -> list[Alert]:
    """Apps over a threshold (actual), and with `forecast` the ones only the forecast puts over."""
    alerts = [alert for alert in map(alert_of, rows) if alert is not None]
    return [alert for alert in alerts if forecast or alert.kind == "actual"]


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
    lines += [f"- {describe(alert)}" for alert in alerts]
    lines += ["", "Source: fct_app_budget_status (bedrock-costs)."]
    return subject, "\n".join(lines)


def describe(alert: Alert) -> str:
    """One alert in a line: "legal-drafting: $3,000.00 of $2,500.00 (120.0%) has reached its 100% threshold;
    forecast $3,500.00, exceeds on 2026-11-09" (the SNS message's, and notify's finding)."""
    verb = "has reached" if alert.kind == "actual" else "is forecast to reach"
    return (f"{alert.row.app}: {_usd(alert.row.mtd_cost_usd)} of {_usd(alert.row.monthly_budget_usd)} "
            f"({_pct(alert.row.pct_of_budget)}) {verb} its {alert.threshold_pct:g}% threshold; "
            f"forecast {_usd(alert.row.trailing_7d_forecast_usd)}, exceeds on {alert.row.projected_exceed_date or '-'}")


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
    message_id = publish_sns(session, topic_arn, subject, body)
    return f"published to {topic_arn} (message {message_id})"


def publish_sns(session: boto3.Session, topic_arn: str, subject: str, body: str) -> str:
    """Publish to an SNS topic, in the topic's own region (a FIFO topic gets a message group); the message id.
    The one SNS publisher: notify's sns channel publishes with it too."""
    request: dict[str, Any] = {"TopicArn": topic_arn, "Subject": subject[:100], "Message": body}
    if topic_arn.endswith(".fifo"):
        request |= {"MessageGroupId": "bedrock-budgets"}
    return str(session.client("sns", region_name=topic_region(topic_arn)).publish(**request)["MessageId"])


# --- command line -----------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("budget-alerts", __doc__, exit_codes=EXIT_CODES)
    target_arguments(parser)
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


def read(args: argparse.Namespace, session: boto3.Session | None) -> list[BudgetRow]:
    """The as-of month from --athena-database, else --database, else the dbt target."""
    if args.athena_database and session is not None:
        region = session.region_name or (topic_region(args.sns_topic_arn) if args.sns_topic_arn else None)
        if not region:
            raise InputError("no AWS region for Athena: pass --region, or set AWS_REGION")
        progress(f"reading {args.athena_database}.{MART} on Athena ({region})")
        return read_athena(session, region, args.athena_database, args.athena_workgroup, args.athena_output)
    if args.database is not None:
        progress(f"reading {args.schema}.{MART} from {args.database}")
        return read_duckdb(args.database, args.schema)
    with open_warehouse(args.target, None, args.profiles_dir) as warehouse:
        if isinstance(warehouse, DuckDBWarehouse):
            warehouse.schema = args.schema
        progress(f"reading {MART} from {warehouse}")
        return read_rows(warehouse)


def run(args: argparse.Namespace) -> int:
    check_args(args)
    session: boto3.Session | None = None
    if args.athena_database or (args.sns_topic_arn and not args.dry_run):
        session = make_session(args.profile, args.region)
    rows = read(args, session)
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
            print(printable(publish(session, args.sns_topic_arn, subject, body, args.dry_run), keep_newlines=True))
        except (ClientError, BotoCoreError) as error:
            raise DeliveryError(f"the alert above was printed but not delivered to {args.sns_topic_arn}") from error
    return ExitCode.FAILED


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))

