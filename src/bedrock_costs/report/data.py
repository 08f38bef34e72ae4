"""What the report shows, read from the marts: the SQL, and the dataclasses it fills. No formatting here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

from bedrock_costs.summary import BillPeriod, Window, bill_periods

# The bill versus the estimate: its SQL and dataclasses live with the summary's section (summary.py),
# which prints the same numbers; the report reads them through bill_periods.

ROUTES = ("profile", "unmapped_profile", "direct")  # attribution_status values: how a caller reached the model


@dataclass(frozen=True)
class OptionalSpec:
    """How a FinOps mart (models/marts/finops) becomes a section, when its table exists.

    ``scope`` says which rows, and so which window, the section shows: 'period' the rows whose
    date_column falls in the report's window; 'latest' the rows of date_column's latest value (a
    month: month_start_date to through_date); 'mart' all rows, over the mart's own window_start_date
    to window_end_date. ``why`` says why a section's window is not the report's."""

    section: str
    title: str
    blurb: str
    columns: tuple[str, ...]          # shown in this order when present; every column when none is
    order_by: tuple[str, ...] = ()    # "column desc" items; those whose column is missing are dropped
    scope: str = "mart"
    date_column: str = ""
    limit: int = 25
    why: str = ""


FIXED_WINDOW = ("Not the report's window: the mart prices its own fixed window (bedrock_costs_finops_window_days) "
                "at list prices, which the daily marts do not hold")

OPTIONAL_MARTS: dict[str, OptionalSpec] = {
    "fct_app_budget_status": OptionalSpec(
        "budgets", "Budgets", "Month-to-date spend per app against its monthly budget (seeds/app_budgets.csv). "
        "The pale bar and the black tick: the trailing-7-day forecast to month end.",
        ("app", "monthly_budget_usd", "mtd_cost_usd", "pct_of_budget", "trailing_7d_forecast_usd",
         "forecast_pct_of_budget", "projected_exceed_date", "budget_status", "through_date"),
        ("pct_of_budget desc nulls last", "mtd_cost_usd desc", "app"), "latest", "month_start_date",
        why="Not the report's window: budgets are monthly, so this is the latest month to date"),
    "fct_cost_anomalies": OptionalSpec(
        "anomalies", "Cost anomalies", "Spend spikes against each app's or caller's usual hourly spend, and "
        "new direct spenders on expensive models.",
        ("started_at", "anomaly_type", "dimension", "entity_name", "model_id", "hour_count", "cost_usd",
         "expected_cost_usd", "spend_ratio", "description"),
        ("usage_date desc", "cost_usd desc"), "period", "usage_date",
        why="Those that started in the report's window; the mart scores only its detection days up to the "
            "as-of date (bedrock_costs_anomaly_detect_days, default 2)"),
    "fct_model_whatif": OptionalSpec(
        "savings", "Savings ideas", "The same tokens on a cheaper model or through global routing, at list price "
        "(never for residency-pinned traffic). The biggest savings first.",
        ("app", "model_id", "alternative_kind", "alternative_model_id", "current_list_cost_usd",
         "alternative_cost_usd", "saving_usd", "saving_pct"),
        ("saving_usd desc",), limit=10, why=FIXED_WINDOW),
    "fct_app_cache_economics": OptionalSpec(
        "cache-economics", "Does the prompt cache pay back?", "Per app: what cache reads saved against the "
        "input price, minus the premium paid for cache writes.",
        ("app", "cache_hit_ratio", "reads_per_write_token", "cache_read_savings_usd", "cache_write_premium_usd",
         "net_cache_savings_usd", "cache_status"),
        ("net_cache_savings_usd desc nulls last", "app"), why=FIXED_WINDOW),
}


Period = Window  # the UTC days the report covers, both included


@dataclass(frozen=True)
class Comparison:
    """The previous period of the same length, and whether the data reaches back over all of it."""

    previous: Period
    data_first: dt.date

    @property
    def covered(self) -> bool:
        return self.data_first <= self.previous.first

    @property
    def why_not(self) -> str:
        """Why there is no comparison ('' when there is one)."""
        if self.covered:
            return ""
        if self.data_first > self.previous.last:
            return f"no data before {self.data_first}, so no previous {self.previous.days} days to compare with"
        return f"the data starts on {self.data_first}, inside the previous {self.previous.days} days"


def change(current: float, previous: float | None) -> float | None:
    """The relative change (0.12 for +12%); None without a previous value or from 0."""
    return None if previous is None or previous == 0 else current / previous - 1


@dataclass
class Headline:
    """The period's totals, for the cards."""

    priced_cost_usd: float
    unpriced_request_count: int
    request_count: int
    error_count: int
    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int
    cache_write_input_tokens: int
    unattributed_cost_usd: float       # the app `unattributed`: no mapped profile, no trusted gateway's app
    direct_cost_usd: float             # of which called directly with a model id
    unmapped_profile_cost_usd: float   # of which through profiles missing from profile_map.csv
    previous_priced_cost_usd: float | None = None  # the previous period's, when the data covers it

    @property
    def total_cost_usd(self) -> float | None:
        """NULL, as in the marts, when any request has no price."""
        return self.priced_cost_usd if self.unpriced_request_count == 0 else None

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_read_input_tokens + self.cache_write_input_tokens

    @property
    def total_input_tokens(self) -> int:
        return self.input_tokens + self.cache_read_input_tokens + self.cache_write_input_tokens

    @property
    def cached_token_share(self) -> float | None:
        return self.cache_read_input_tokens / self.total_input_tokens if self.total_input_tokens else None


@dataclass(frozen=True)
class DailyCost:
    """One app's cost on one day."""

    usage_date: dt.date
    app: str
    cost_usd: float


@dataclass(frozen=True)
class CallerCost:
    """One caller ARN's cost in the period, split by route (direct, through a mapped or an unmapped profile)."""

    caller_arn: str
    caller_name: str | None
    caller_role: str | None
    caller_type: str | None
    account_id: str | None
    apps: list[str]                    # the apps its spend went to, biggest first
    request_count: int
    cost_usd: float
    profile_cost_usd: float
    unmapped_profile_cost_usd: float
    direct_cost_usd: float
    unpriced_request_count: int

    def route_cost_usd(self, route: str) -> float:
        """The cost through one of ROUTES."""
        costs = {"profile": self.profile_cost_usd, "unmapped_profile": self.unmapped_profile_cost_usd,
                 "direct": self.direct_cost_usd}
        return costs[route]


@dataclass(frozen=True)
class ModelCost:
    """One model's cost and tokens in the period (model_id None: an unmapped application profile)."""

    model_id: str | None
    request_count: int
    cost_usd: float
    total_tokens: int
    cache_read_input_tokens: int
    total_input_tokens: int


@dataclass(frozen=True)
class AppTeamCost:
    """One app and team (and how the app was attributed): this period's cost and the previous period's."""

    app: str
    team: str
    attribution_source: str
    request_count: int
    cost_usd: float
    previous_cost_usd: float | None    # None when the data does not cover the previous period

    @property
    def change(self) -> float | None:
        return change(self.cost_usd, self.previous_cost_usd)


@dataclass(frozen=True)
class TeamCost:
    """One team and cost center: its apps, this period's cost and the previous period's."""

    team: str
    cost_center: str | None
    apps: list[str]
    request_count: int
    cost_usd: float
    previous_cost_usd: float | None

    @property
    def change(self) -> float | None:
        return change(self.cost_usd, self.previous_cost_usd)


@dataclass(frozen=True)
class AppCache:
    """One app's input tokens in the period, and how many were read from the prompt cache."""

    app: str
    cost_usd: float
    cache_read_input_tokens: int
    total_input_tokens: int

    @property
    def cached_token_share(self) -> float:
        return self.cache_read_input_tokens / self.total_input_tokens


@dataclass
class OptionalMart:
    """The rows of a FinOps mart to show; its columns are read from the table, so any shape renders."""

    name: str
    spec: OptionalSpec
    columns: list[str]                # every column of the table
    rows: list[dict[str, Any]]
    window: Period | None = None      # the days its rows cover (None: the mart does not say)

    @property
    def has_window_columns(self) -> bool:
        return {"window_start_date", "window_end_date"} <= set(self.columns)

    @property
    def section(self) -> str:
        return self.spec.section

    @property
    def shown(self) -> list[str]:
        return [c for c in self.spec.columns if c in self.columns] or self.columns


@dataclass
class ReportData:
    """Everything the page shows."""

    period: Period
    comparison: Comparison
    headline: Headline
    daily: list[DailyCost]
    callers: list[CallerCost]
    unattributed_callers: list[CallerCost]
    models: list[ModelCost]
    cache_by_app: list[AppCache]
    app_teams: list[AppTeamCost] = field(default_factory=list)
    teams: list[TeamCost] = field(default_factory=list)
    optional: list[OptionalMart] = field(default_factory=list)
    bill: list[BillPeriod] = field(default_factory=list)  # with a CUR 2.0 export: the periods in the window
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))


# The one meaning of app: `unattributed` is the app no mapped profile and no trusted gateway named.
HEADLINE_SQL = """
select
    coalesce(sum(cost_usd), 0) as priced_cost_usd,
    coalesce(sum(unpriced_request_count), 0) as unpriced_request_count,
    coalesce(sum(request_count), 0) as request_count,
    coalesce(sum(error_count), 0) as error_count,
    coalesce(sum(input_tokens), 0) as input_tokens,
    coalesce(sum(output_tokens), 0) as output_tokens,
    coalesce(sum(cache_read_input_tokens), 0) as cache_read_input_tokens,
    coalesce(sum(cache_write_input_tokens), 0) as cache_write_input_tokens,
    coalesce(sum(cost_usd) filter (where app = 'unattributed'), 0) as unattributed_cost_usd,
    coalesce(sum(cost_usd) filter (where app = 'unattributed' and attribution_status = 'direct'), 0)
        as direct_cost_usd,
    coalesce(sum(cost_usd) filter (where app = 'unattributed' and attribution_status = 'unmapped_profile'), 0)
        as unmapped_profile_cost_usd
from fct_daily_app_cost
where usage_date between ? and ?
"""

PREVIOUS_COST_SQL = "select coalesce(sum(cost_usd), 0) from fct_daily_app_cost where usage_date between ? and ?"

DAILY_SQL = """
select usage_date, app, coalesce(sum(cost_usd), 0) as cost_usd
from fct_daily_app_cost
where usage_date between ? and ?
group by usage_date, app
order by usage_date, app
"""

# The apps each caller's spend went to, biggest first (a CTE of both caller queries).
CALLER_APPS_CTE = """
caller_apps as (
    select caller_arn, list(app order by cost_usd desc, app) as apps
    from (
        select caller_arn, app, coalesce(sum(cost_usd), 0) as cost_usd
        from fct_daily_app_caller_cost
        where usage_date between ? and ?
        group by caller_arn, app
    ) as per_app
    group by caller_arn
)
"""

# The top callers: one row per caller ARN, the cost split by how it called (attribution_status).
CALLERS_SQL = f"""
with

{CALLER_APPS_CTE},

callers as (
    select
        caller_arn,
        any_value(caller_name) as caller_name,
        any_value(caller_role) as caller_role,
        any_value(caller_type) as caller_type,
        any_value(account_id) as account_id,
        sum(request_count) as request_count,
        coalesce(sum(cost_usd), 0) as cost_usd,
        coalesce(sum(cost_usd) filter (where attribution_status = 'profile'), 0) as profile_cost_usd,
        coalesce(sum(cost_usd) filter (where attribution_status = 'unmapped_profile'), 0)
            as unmapped_profile_cost_usd,
        coalesce(sum(cost_usd) filter (where attribution_status = 'direct'), 0) as direct_cost_usd,
        sum(unpriced_request_count) as unpriced_request_count
    from fct_daily_caller_cost
    where usage_date between ? and ?
    group by caller_arn
)

select
    callers.caller_arn, callers.caller_name, callers.caller_role, callers.caller_type, callers.account_id,
    coalesce(caller_apps.apps, []) as apps, callers.request_count, callers.cost_usd, callers.profile_cost_usd,
    callers.unmapped_profile_cost_usd, callers.direct_cost_usd, callers.unpriced_request_count
from callers
left join caller_apps on callers.caller_arn = caller_apps.caller_arn
order by callers.cost_usd desc, callers.caller_arn
limit ?
"""

# The callers behind the app `unattributed` (its spend only): direct, or through an application profile
# missing from profile_map.csv (whose model is unknown: model_id NULL). Their identity from the caller mart.
UNATTRIBUTED_CALLERS_SQL = f"""
with

{CALLER_APPS_CTE},

identities as (
    select
        caller_arn,
        any_value(caller_role) as caller_role,
        any_value(caller_type) as caller_type,
        any_value(account_id) as account_id
    from fct_daily_caller_cost
    where usage_date between ? and ?
    group by caller_arn
),

callers as (
    select
        caller_arn,
        any_value(caller_name) as caller_name,
        sum(request_count) as request_count,
        coalesce(sum(cost_usd), 0) as cost_usd,
        coalesce(sum(cost_usd) filter (where model_id is null), 0) as unmapped_profile_cost_usd,
        coalesce(sum(cost_usd) filter (where model_id is not null), 0) as direct_cost_usd,
        sum(unpriced_request_count) as unpriced_request_count
    from fct_daily_app_caller_cost
    where usage_date between ? and ? and app = 'unattributed'
    group by caller_arn
)

select
    callers.caller_arn, callers.caller_name, identities.caller_role, identities.caller_type,
    identities.account_id, coalesce(caller_apps.apps, []) as apps, callers.request_count, callers.cost_usd,
    0.0 as profile_cost_usd, callers.unmapped_profile_cost_usd, callers.direct_cost_usd,
    callers.unpriced_request_count
from callers
left join identities on callers.caller_arn = identities.caller_arn
left join caller_apps on callers.caller_arn = caller_apps.caller_arn
order by callers.cost_usd desc, callers.caller_arn
limit ?
"""

MODELS_SQL = """
select
    model_id,
    sum(request_count) as request_count,
    coalesce(sum(cost_usd), 0) as cost_usd,
    sum(input_tokens + output_tokens + cache_read_input_tokens + cache_write_input_tokens) as total_tokens,
    sum(cache_read_input_tokens) as cache_read_input_tokens,
    sum(input_tokens + cache_read_input_tokens + cache_write_input_tokens) as total_input_tokens
from fct_daily_app_cost
where usage_date between ? and ?
group by model_id
order by cost_usd desc, model_id nulls last
"""

CACHE_SQL = """
select
    app,
    coalesce(sum(cost_usd), 0) as cost_usd,
    sum(cache_read_input_tokens) as cache_read_input_tokens,
    sum(input_tokens + cache_read_input_tokens + cache_write_input_tokens) as total_input_tokens
from fct_daily_app_cost
where usage_date between ? and ?
group by app
having sum(input_tokens + cache_read_input_tokens + cache_write_input_tokens) > 0
order by cost_usd desc, app
"""

# This period and the previous one of the same length, per group; a group that spent in either shows.
# Parameters: this period (first, last) twice, the previous period (first, last), then both (first, last).
APP_TEAM_SQL = """
select
    app,
    team,
    attribution_source,
    coalesce(sum(request_count) filter (where usage_date between ? and ?), 0) as request_count,
    coalesce(sum(cost_usd) filter (where usage_date between ? and ?), 0) as cost_usd,
    coalesce(sum(cost_usd) filter (where usage_date between ? and ?), 0) as previous_cost_usd
from fct_daily_app_cost
where usage_date between ? and ?
group by app, team, attribution_source
order by cost_usd desc, previous_cost_usd desc, app, team, attribution_source
"""

TEAM_SQL = """
select
    team,
    cost_center,
    list(distinct app order by app) filter (where usage_date between ? and ?) as apps,
    coalesce(sum(request_count) filter (where usage_date between ? and ?), 0) as request_count,
    coalesce(sum(cost_usd) filter (where usage_date between ? and ?), 0) as cost_usd,
    coalesce(sum(cost_usd) filter (where usage_date between ? and ?), 0) as previous_cost_usd
from fct_daily_app_cost
where usage_date between ? and ?
group by team, cost_center
order by cost_usd desc, previous_cost_usd desc, team, cost_center nulls last
"""


def rows_as_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Each result row as column -> value."""
    relation = con.execute(sql, list(params))
    names = [d[0] for d in relation.description or []]
    return [dict(zip(names, row, strict=True)) for row in relation.fetchall()]


def report_period(con: duckdb.DuckDBPyConnection, days: int | None) -> Period | None:
    """The last ``days`` days of data (all of it when None); None when the marts are empty."""
    first, last = con.execute("select min(usage_date), max(usage_date) from fct_daily_app_cost").fetchone() or (
        None, None)
    if last is None:
        return None
    if days:
        first = max(first, last - dt.timedelta(days=days - 1))
    return Period(first, last)


def comparison(con: duckdb.DuckDBPyConnection, period: Period) -> Comparison:
    """The period of the same length just before ``period``, and the first day of data."""
    (data_first,) = con.execute("select min(usage_date) from fct_daily_app_cost").fetchone() or (period.first,)
    previous = Period(period.first - dt.timedelta(days=period.days), period.first - dt.timedelta(days=1))
    return Comparison(previous, data_first or period.first)


def existing_optional_marts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The optional marts present in the catalog: name -> 'schema.name', in the marts' own schema first."""
    found = con.execute(
        """
        select table_name, table_schema
        from information_schema.tables
        where table_name in (select unnest(?::varchar[]))
        order by table_schema <> (
            select table_schema from information_schema.tables where table_name = 'fct_daily_app_cost' limit 1
        ), table_schema
        """,
        [list(OPTIONAL_MARTS)],
    ).fetchall()
    located: dict[str, str] = {}
    for name, schema in found:
        located.setdefault(name, f'"{schema}"."{name}"')
    return located


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def mart_window(con: duckdb.DuckDBPyConnection, relation: str, columns: Sequence[str]) -> Period | None:
    """The mart's own window_start_date to window_end_date, when it has those columns and rows."""
    if not {"window_start_date", "window_end_date"} <= set(columns):
        return None
    first, last = con.execute(
        f"select min(window_start_date), max(window_end_date) from {relation}").fetchone() or (None, None)
    return Period(first, last) if first and last else None


def load_optional_mart(con: duckdb.DuckDBPyConnection, name: str, relation: str, period: Period) -> OptionalMart:
    """The rows to show, and the days they cover: the report period, the latest month or the mart's window."""
    spec = OPTIONAL_MARTS[name]
    columns = [d[0] for d in con.execute(f"select * from {relation} limit 0").description or []]
    order = [item for item in spec.order_by if item.split()[0] in columns]
    order_sql = f" order by {', '.join(order)}" if order else ""
    when = spec.date_column if spec.date_column in columns else ""
    params: list[Any] = []
    where = ""
    window = mart_window(con, relation, columns)
    if when and spec.scope == "period":
        where, params = f' where cast("{when}" as date) between ? and ?', [period.first, period.last]
        window = Period(max(period.first, window.first), min(period.last, window.last)) if window else period
    elif when and spec.scope == "latest":
        where = f' where "{when}" = (select max("{when}") from {relation})'
    rows = rows_as_dicts(con, f"select * from {relation}{where}{order_sql} limit {spec.limit}", params)
    if when and spec.scope == "latest" and rows:
        start = as_date(rows[0][when])
        through = max((as_date(r.get("through_date")) or period.last for r in rows), default=period.last)
        window = Period(start, through) if start else None
    return OptionalMart(name, spec, columns, rows, window)


def load(con: duckdb.DuckDBPyConnection, days: int | None = 30, top: int = 10) -> ReportData | None:
    """Every number the report shows, for the last ``days`` days of data; None when the marts are empty."""
    period = report_period(con, days)
    if period is None:
        return None
    compared = comparison(con, period)
    span = [period.first, period.last]
    before = [compared.previous.first, compared.previous.last]
    headline = Headline(**rows_as_dicts(con, HEADLINE_SQL, span)[0])
    if compared.covered:
        (previous_cost,) = con.execute(PREVIOUS_COST_SQL, before).fetchone() or (0.0,)
        headline.previous_priced_cost_usd = float(previous_cost)
    daily = [DailyCost(d, a, float(c)) for d, a, c in con.execute(DAILY_SQL, span).fetchall()]
    callers = [CallerCost(**row) for row in rows_as_dicts(con, CALLERS_SQL, [*span, *span, top])]
    unattributed = [CallerCost(**row)
                    for row in rows_as_dicts(con, UNATTRIBUTED_CALLERS_SQL, [*span, *span, *span, top])]
    models = [ModelCost(**row) for row in rows_as_dicts(con, MODELS_SQL, span)]
    cache = [AppCache(**row) for row in rows_as_dicts(con, CACHE_SQL, span)]
    both = [compared.previous.first, period.last]
    app_teams = [AppTeamCost(**{**row, "previous_cost_usd": row["previous_cost_usd"] if compared.covered else None})
                 for row in rows_as_dicts(con, APP_TEAM_SQL, [*span, *span, *before, *both])]
    teams = [TeamCost(**{**row, "apps": row["apps"] or [],
                         "previous_cost_usd": row["previous_cost_usd"] if compared.covered else None})
             for row in rows_as_dicts(con, TEAM_SQL, [*span, *span, *span, *before, *both])]
    located = existing_optional_marts(con)
    optional = [load_optional_mart(con, name, located[name], period) for name in OPTIONAL_MARTS if name in located]
    return ReportData(period, compared, headline, daily, callers, unattributed, models, cache, app_teams, teams,
                      optional, bill_periods(con, period))
