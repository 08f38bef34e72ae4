"""What the report shows, read through the one reader (warehouse.py) from the reporting models and the
FinOps marts, into dataclasses. No SQL and no formatting here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bedrock_costs.figures import (
    ROUTES,
    AppCache,
    AppTeamCost,
    CallerCost,
    Comparison,
    DailyCost,
    Headline,
    ModelCost,
    Period,
    RoleCost,
    TeamCost,
    Window,
    change,
    data_window,
    figures,
    fitting_days,
)
from bedrock_costs.summary import BillPeriod, bill_periods
from bedrock_costs.warehouse import Filter, MissingRelation, Warehouse, as_date, between, is_true, reader

__all__ = [
    "OPTIONAL_MARTS",
    "ROUTES",
    "AppCache",
    "AppTeamCost",
    "CallerCost",
    "Comparison",
    "DailyCost",
    "Headline",
    "ModelCost",
    "OptionalMart",
    "OptionalSpec",
    "Period",
    "ReportData",
    "RoleCost",
    "TeamCost",
    "change",
    "fitting_days",
    "load",
]


@dataclass(frozen=True)
class OptionalSpec:
    """How a FinOps mart (models/marts/finops) becomes a section, when it exists.

    ``relation`` is what the reader reads: the mart itself, or its reporting model (models/reporting/
    finops). ``scope`` says which rows, and so which window, the section shows: 'period' the rows whose
    date_column falls in the report's window; 'latest' the as-of month (is_current_month: month_start_date
    to through_date); 'mart' all rows, over the mart's own window_start_date to window_end_date.
    ``why`` says why a section's window is not the report's."""

    section: str
    title: str
    blurb: str
    relation: str
    columns: tuple[str, ...]          # read, and shown in this order (a column empty in every row is left out)
    order_by: tuple[str, ...] = ()    # "column desc" items
    scope: str = "mart"
    date_column: str = ""
    limit: int = 25
    why: str = ""
    window_columns: bool = True       # the relation has window_start_date and window_end_date
    extra: tuple[str, ...] = ()       # read for the window, not shown


FIXED_WINDOW = ("Not the report's window: the mart prices its own fixed window (bedrock_costs_finops_window_days) "
                "at list prices, which the daily marts do not hold")

OPTIONAL_MARTS: dict[str, OptionalSpec] = {
    "fct_app_budget_status": OptionalSpec(
        "budgets", "Budgets", "Month-to-date spend per app against its monthly budget (seeds/app_budgets.csv). "
        "The pale bar and the black tick: the trailing-7-day forecast to month end. bedrock-costs budget-alerts "
        "alerts on the apps over budget or over an alert threshold.",
        "fct_app_budget_status",
        ("app", "monthly_budget_usd", "mtd_cost_usd", "pct_of_budget", "trailing_7d_forecast_usd",
         "forecast_pct_of_budget", "projected_exceed_date", "budget_status"),
        ("pct_of_budget desc", "mtd_cost_usd desc", "app"), "latest", "month_start_date",
        why="Not the report's window: budgets are monthly, so this is the latest month to date",
        window_columns=False, extra=("month_start_date", "through_date")),
    "fct_cost_anomalies": OptionalSpec(
        "anomalies", "Cost anomalies", "Spend spikes against each app's or caller's usual hourly spend, and "
        "new direct spenders on expensive models.",
        "fct_cost_anomalies",
        ("started_at", "anomaly_type", "dimension", "entity_name", "model_id", "hour_count", "cost_usd",
         "expected_cost_usd", "spend_ratio", "description"),
        ("usage_date desc", "cost_usd desc"), "period", "usage_date",
        why="Those that started in the report's window; the mart scores only its detection days up to the "
            "as-of date (bedrock_costs_anomaly_detect_days, default 2)"),
    "fct_model_whatif": OptionalSpec(
        "savings", "Savings ideas", "The same tokens on a cheaper model or through global routing, at list price "
        "(never for residency-pinned traffic). Each row is one spend and its biggest saving; the other options "
        "for the same spend are alternatives to it, so only one can be taken and their savings never add up.",
        "rpt_model_savings",
        ("app", "model_id", "price_scope", "current_list_cost_usd", "alternative_kind", "alternative_model_id",
         "alternative_cost_usd", "saving_usd", "saving_pct", "option_rank", "option_count", "team", "geography"),
        ("saving_usd desc", "app", "option_rank"), limit=200, why=FIXED_WINDOW),
    "fct_app_cache_economics": OptionalSpec(
        "cache-economics", "Does the prompt cache pay back?", "Per app: what cache reads saved against the "
        "input price, minus the premium paid for cache writes. Cached share: cache reads over every input "
        "token, as in the cards and the cache chart above (over this section's window).",
        "rpt_app_cache_economics",
        ("app", "cache_read_input_tokens", "total_input_tokens", "reads_per_write_token", "cache_read_savings_usd",
         "cache_write_premium_usd", "net_cache_savings_usd", "cache_status"),
        ("net_cache_savings_usd desc", "app"), why=FIXED_WINDOW),
}


@dataclass
class OptionalMart:
    """The rows of a FinOps section to show, and the days they cover."""

    name: str
    spec: OptionalSpec
    columns: list[str]                # the columns read
    rows: list[dict[str, Any]]
    window: Period | None = None      # the days its rows cover (None: the mart does not say)

    @property
    def has_window_columns(self) -> bool:
        return self.spec.window_columns

    @property
    def section(self) -> str:
        return self.spec.section

    @property
    def shown(self) -> list[str]:
        """The columns to show: those with a value in some row."""
        return [c for c in self.columns if any(r.get(c) not in (None, "") for r in self.rows)] or self.columns


@dataclass
class ReportData:
    """Everything the page shows."""

    period: Period
    comparison: Comparison
    headline: Headline
    daily: list[DailyCost]
    callers: list[CallerCost]                      # the top callers, for the chart
    unattributed_callers: list[CallerCost]
    models: list[ModelCost]
    cache_by_app: list[AppCache]
    app_teams: list[AppTeamCost] = field(default_factory=list)
    teams: list[TeamCost] = field(default_factory=list)
    optional: list[OptionalMart] = field(default_factory=list)
    bill: list[BillPeriod] = field(default_factory=list)  # with a CUR 2.0 export: the periods in the window
    roles: list[RoleCost] = field(default_factory=list)   # every caller, grouped by role
    all_callers: list[CallerCost] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))


def spans(rows: Sequence[dict[str, Any]]) -> Period | None:
    """The first window_start_date to the last window_end_date of ``rows``; None without them."""
    starts = [d for d in (as_date(r.get("window_start_date")) for r in rows) if d]
    ends = [d for d in (as_date(r.get("window_end_date")) for r in rows) if d]
    return Period(min(starts), max(ends)) if starts and ends else None


def load_optional_mart(warehouse: Warehouse, name: str, period: Period) -> OptionalMart | None:
    """The rows to show and the days they cover: the report's period, the as-of month or the mart's
    own window. None when the mart (or the model over it) is not in the warehouse."""
    spec = OPTIONAL_MARTS[name]
    where: list[Filter] = []
    if spec.scope == "period":
        where = [between(spec.date_column, period.first, period.last)]
    elif spec.scope == "latest":
        where = [is_true("is_current_month")]
    try:
        rows = warehouse.read(spec.relation, [*spec.columns, *spec.extra], where, spec.order_by, spec.limit)
        window = spans(warehouse.read(spec.relation, ["window_start_date", "window_end_date"])) \
            if spec.window_columns else None
    except MissingRelation:
        return None
    if spec.scope == "period":
        window = Period(max(period.first, window.first), min(period.last, window.last)) if window else period
    elif spec.scope == "latest" and rows:
        start = as_date(rows[0][spec.date_column])
        through = max((as_date(r.get("through_date")) or period.last for r in rows), default=period.last)
        window = Period(start, through) if start else None
    return OptionalMart(name, spec, list(spec.columns), rows, window)


def report_period(data: Window, days: int | None) -> Period:
    """The last ``days`` days of data (all of it when None or 0)."""
    return data.last_days(days)


def load(source: Any, days: int | None = 30, top: int = 10) -> ReportData | None:
    """Every number the report shows, for the last ``days`` days of data (all of it for None or 0);
    None when the marts are empty. ``source``: a Warehouse, or an open DuckDB connection."""
    warehouse = reader(source)
    data = data_window(warehouse)
    if data is None:
        return None
    period = report_period(data, days)
    found = figures(warehouse, data, period)
    optional = [mart for mart in (load_optional_mart(warehouse, name, period) for name in OPTIONAL_MARTS) if mart]
    return ReportData(period, found.comparison, found.headline, found.apps.daily, found.callers[:top],
                      found.unattributed_callers[:top], found.models, found.apps.cache_by_app, found.apps.app_teams,
                      found.apps.teams, optional, bill_periods(warehouse, period), found.roles, found.callers)
