"""The alerts of now: what `bedrock-costs notify` reads, as one shape.

Every kind but budgets is a row of the reporting model ``rpt_alert_candidates`` (models/reporting/
alerts/), which words each condition and its fix in SQL, on every engine. Budgets follow the one rule
``budget_alerts.alert_of`` (the summary's and `budget-alerts`' own), applied to the as-of month of
fct_app_budget_status; their owner (team, cost center) is ``rpt_app_owners``'.

An alert's identity is (kind, entity, window): ``key``. A budget alert keeps its identity for the month
and rises in ``level`` (a forecast, then a threshold reached, then a higher one), so notify sends it
again only when it gets worse.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bedrock_costs import budget_alerts
from bedrock_costs.errors import SetupError
from bedrock_costs.warehouse import MissingRelation, Warehouse, as_date

CANDIDATES = "rpt_alert_candidates"
OWNERS = "rpt_app_owners"
BUDGET = "budget"
SQL_KINDS = ("spend_spike", "new_spender", "unpriced_model", "unmapped_profile", "log_file_truncated",
             "log_file_corrupt", "log_file_unreadable", "log_file_malformed", "bill_variance")
KINDS = (BUDGET, *SQL_KINDS)
CANDIDATE_COLUMNS = (
    "alert_key", "alert_kind", "entity_type", "entity_key", "entity_name", "alert_window", "app", "team",
    "cost_center", "caller_arn", "caller_name", "model_id", "amount_usd", "request_count", "first_date",
    "last_date", "finding", "fix", "report_section", "expires_on",
)
BUILD_HINT = "build it first: dbt build (notify reads models/reporting/alerts/)"


@dataclass(frozen=True)
class Alert:
    """One condition to tell someone about, with who it concerns and what to do."""

    key: str
    kind: str
    entity_type: str
    entity_key: str
    entity_name: str
    window: str
    finding: str
    fix: str
    app: str | None = None
    team: str | None = None
    cost_center: str | None = None
    caller_arn: str | None = None
    caller_name: str | None = None
    model_id: str | None = None
    amount_usd: float | None = None
    request_count: int | None = None
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    report_section: str | None = None
    expires_on: dt.date | None = None
    level: float = 0.0     # a budget's escalation rank; 0 for the other kinds
    level_text: str = ""   # what the level means, for a person ("reached 100%")


def alert_key(kind: str, entity_key: str, window: str) -> str:
    """The identity, as rpt_alert_candidates writes it: kind|entity|window."""
    return f"{kind}|{entity_key}|{window}"


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _number(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def _count(value: Any) -> int | None:
    return None if value is None or value == "" else int(float(value))


def from_candidate(row: dict[str, Any]) -> Alert:
    """An Alert from a row of rpt_alert_candidates (any engine: Athena's values are strings)."""
    return Alert(
        key=str(row["alert_key"]), kind=str(row["alert_kind"]), entity_type=str(row["entity_type"]),
        entity_key=str(row["entity_key"]), entity_name=str(row["entity_name"] or row["entity_key"]),
        window=str(row["alert_window"]), finding=str(row["finding"] or ""), fix=str(row["fix"] or ""),
        app=_text(row["app"]), team=_text(row["team"]), cost_center=_text(row["cost_center"]),
        caller_arn=_text(row["caller_arn"]), caller_name=_text(row["caller_name"]), model_id=_text(row["model_id"]),
        amount_usd=_number(row["amount_usd"]), request_count=_count(row["request_count"]),
        first_date=as_date(row["first_date"]), last_date=as_date(row["last_date"]),
        report_section=_text(row["report_section"]), expires_on=as_date(row["expires_on"]),
    )


def read_candidates(warehouse: Warehouse) -> list[Alert]:
    """Every row of rpt_alert_candidates, in key order."""
    try:
        rows = warehouse.read(CANDIDATES, CANDIDATE_COLUMNS, order_by=["alert_key"])
    except MissingRelation as error:
        raise SetupError("NoAlertModel", f"{warehouse.schema}.{CANDIDATES} is not in {warehouse.where}: "
                                         f"{BUILD_HINT}") from error
    return [from_candidate(row) for row in rows]


# --- budgets: budget_alerts' rule ------------------------------------------------------------------

def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def budget_level(alert: budget_alerts.Alert) -> tuple[float, str]:
    """Its rank (a threshold reached outranks any forecast; a higher threshold outranks a lower) and words."""
    if alert.kind == "actual":
        return 1000.0 + alert.threshold_pct, f"reached {alert.threshold_pct:g}%"
    return alert.threshold_pct, f"forecast to reach {alert.threshold_pct:g}%"


def from_budget(alert: budget_alerts.Alert, owners: dict[str, dict[str, Any]]) -> Alert:
    """A budget alert (budget_alerts.alert_of) as an Alert of the month, with the app's owner."""
    row = alert.row
    month = f"{row.month_start_date:%Y-%m}"
    level, level_text = budget_level(alert)
    owner = owners.get(row.app, {})
    return Alert(
        key=alert_key(BUDGET, row.app, month), kind=BUDGET, entity_type="app", entity_key=row.app,
        entity_name=row.app, window=month, finding=budget_alerts.describe(alert),
        fix=f"review {row.app}'s spend with its team (the report's budgets section names its days and "
            f"forecast); if the spend is planned, raise its monthly_usd in seeds/app_budgets.csv",
        app=row.app, team=_text(owner.get("team")), cost_center=_text(owner.get("cost_center")),
        amount_usd=row.mtd_cost_usd, first_date=row.month_start_date, last_date=row.through_date,
        report_section="budgets", expires_on=month_end(row.month_start_date), level=level, level_text=level_text,
    )


def read_owners(warehouse: Warehouse) -> dict[str, dict[str, Any]]:
    """app -> its owner's team and cost center (rpt_app_owners)."""
    try:
        rows = warehouse.read(OWNERS, ["app", "team", "cost_center"], order_by=["app"])
    except MissingRelation as error:
        raise SetupError("NoAlertModel", f"{warehouse.schema}.{OWNERS} is not in {warehouse.where}: "
                                         f"{BUILD_HINT}") from error
    return {str(row["app"]): row for row in rows}


def read_budgets(warehouse: Warehouse) -> list[Alert]:
    """The as-of month's budget alerts, forecasts included, by budget_alerts' rule."""
    rows = budget_alerts.read_rows(warehouse)
    found = budget_alerts.find_alerts(rows, forecast=True)
    if not found:
        return []
    owners = read_owners(warehouse)
    return [from_budget(alert, owners) for alert in found]


def read_alerts(warehouse: Warehouse, kinds: Sequence[str] = KINDS) -> list[Alert]:
    """Every alert of now of the given kinds, budgets first, then rpt_alert_candidates' in key order."""
    found: list[Alert] = []
    if BUDGET in kinds:
        found += read_budgets(warehouse)
    if set(kinds) & set(SQL_KINDS):
        found += [alert for alert in read_candidates(warehouse) if alert.kind in kinds]
    return found
