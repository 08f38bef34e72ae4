"""What the report shows, read from the marts: the SQL, and the dataclasses it fills. No formatting here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb

ROUTES = ("profile", "unmapped_profile", "direct")  # attribution_status values: how a caller reached the model


@dataclass(frozen=True)
class OptionalSpec:
    """How a FinOps mart (models/marts/finops) becomes a section, when its table exists."""

    section: str
    title: str
    blurb: str
    columns: tuple[str, ...]          # shown in this order when present; every column when none is
    order_by: tuple[str, ...] = ()    # "column desc" items; those whose column is missing are dropped
    scope: str = "all"                # 'period': date_column within the report period; 'latest': its max
    date_column: str = ""
    limit: int = 25


OPTIONAL_MARTS: dict[str, OptionalSpec] = {
    "fct_app_budget_status": OptionalSpec(
        "budgets", "Budgets", "Month-to-date spend per app against its monthly budget (seeds/app_budgets.csv). "
        "The pale bar and the black tick: the trailing-7-day forecast to month end.",
        ("app", "monthly_budget_usd", "mtd_cost_usd", "pct_of_budget", "trailing_7d_forecast_usd",
         "forecast_pct_of_budget", "projected_exceed_date", "budget_status", "through_date"),
        ("pct_of_budget desc nulls last", "mtd_cost_usd desc", "app"), "latest", "month_start_date"),
    "fct_cost_anomalies": OptionalSpec(
        "anomalies", "Cost anomalies", "Spend spikes against each app's or caller's usual hourly spend, and "
        "new direct spenders on expensive models.",
        ("started_at", "anomaly_type", "dimension", "entity_name", "model_id", "hour_count", "cost_usd",
         "expected_cost_usd", "spend_ratio", "description"),
        ("usage_date desc", "cost_usd desc"), "period", "usage_date"),
    "fct_model_whatif": OptionalSpec(
        "savings", "Savings ideas", "The same tokens on a cheaper model or through global routing, at list price "
        "(never for residency-pinned traffic). The biggest savings first.",
        ("app", "model_id", "alternative_kind", "alternative_model_id", "current_list_cost_usd",
         "alternative_cost_usd", "saving_usd", "saving_pct"),
        ("saving_usd desc",), limit=10),
    "fct_app_cache_economics": OptionalSpec(
        "cache-economics", "Does the prompt cache pay back?", "Per app: what cache reads saved against the "
        "input price, minus the premium paid for cache writes.",
        ("app", "cache_hit_ratio", "reads_per_write_token", "cache_read_savings_usd", "cache_write_premium_usd",
         "net_cache_savings_usd", "cache_status"),
        ("net_cache_savings_usd desc nulls last", "app")),
}


@dataclass
class Period:
    """The UTC days the report covers, both included."""

    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


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
    unattributed_cost_usd: float
    direct_cost_usd: float
    unmapped_profile_cost_usd: float

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
    caller_type: str | None
    account_id: str | None
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
    note: str = ""

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
    headline: Headline
    daily: list[DailyCost]
    callers: list[CallerCost]
    unattributed_callers: list[CallerCost]
    models: list[ModelCost]
    cache_by_app: list[AppCache]
    optional: list[OptionalMart] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))


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
    coalesce(sum(cost_usd) filter (where attribution_status <> 'profile'), 0) as unattributed_cost_usd,
    coalesce(sum(cost_usd) filter (where attribution_status = 'direct'), 0) as direct_cost_usd,
    coalesce(sum(cost_usd) filter (where attribution_status = 'unmapped_profile'), 0) as unmapped_profile_cost_usd
from fct_daily_app_cost
where usage_date between ? and ?
"""

DAILY_SQL = """
select usage_date, app, coalesce(sum(cost_usd), 0) as cost_usd
from fct_daily_app_cost
where usage_date between ? and ?
group by usage_date, app
order by usage_date, app
"""

# One row per caller ARN; the cost split by route (direct, through a mapped or an unmapped profile).
CALLERS_SQL = """
select
    caller_arn,
    any_value(caller_name) as caller_name,
    any_value(caller_type) as caller_type,
    any_value(account_id) as account_id,
    sum(request_count) as request_count,
    coalesce(sum(cost_usd), 0) as cost_usd,
    coalesce(sum(cost_usd) filter (where attribution_status = 'profile'), 0) as profile_cost_usd,
    coalesce(sum(cost_usd) filter (where attribution_status = 'unmapped_profile'), 0) as unmapped_profile_cost_usd,
    coalesce(sum(cost_usd) filter (where attribution_status = 'direct'), 0) as direct_cost_usd,
    sum(unpriced_request_count) as unpriced_request_count
from fct_daily_caller_cost
where usage_date between ? and ? {extra}
group by caller_arn
order by cost_usd desc, caller_arn
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


def load_optional_mart(con: duckdb.DuckDBPyConnection, name: str, relation: str, period: Period) -> OptionalMart:
    """The rows to show: within the report period, or of the latest month, as the spec says."""
    spec = OPTIONAL_MARTS[name]
    columns = [d[0] for d in con.execute(f"select * from {relation} limit 0").description or []]
    order = [item for item in spec.order_by if item.split()[0] in columns]
    order_sql = f" order by {', '.join(order)}" if order else ""
    when = spec.date_column if spec.date_column in columns else ""
    params: list[Any] = []
    where, note = "", ""
    if when and spec.scope == "period":
        where, params = f' where cast("{when}" as date) between ? and ?', [period.first, period.last]
        note = f"{when} from {period.first} to {period.last}"
    elif when and spec.scope == "latest":
        where = f' where "{when}" = (select max("{when}") from {relation})'
    rows = rows_as_dicts(con, f"select * from {relation}{where}{order_sql} limit {spec.limit}", params)
    if when and spec.scope == "latest" and rows:
        note = f"{when} {rows[0][when]}"
    return OptionalMart(name, spec, columns, rows, note)


def load(con: duckdb.DuckDBPyConnection, days: int | None = 30, top: int = 10) -> ReportData | None:
    """Every number the report shows, for the last ``days`` days of data; None when the marts are empty."""
    period = report_period(con, days)
    if period is None:
        return None
    span = [period.first, period.last]
    headline = Headline(**rows_as_dicts(con, HEADLINE_SQL, span)[0])
    daily = [DailyCost(d, a, float(c)) for d, a, c in con.execute(DAILY_SQL, span).fetchall()]
    callers = [CallerCost(**row) for row in rows_as_dicts(con, CALLERS_SQL.format(extra=""), [*span, top])]
    unattributed = [CallerCost(**row) for row in rows_as_dicts(
        con, CALLERS_SQL.format(extra="and attribution_status <> 'profile'"), [*span, top])]
    models = [ModelCost(**row) for row in rows_as_dicts(con, MODELS_SQL, span)]
    cache = [AppCache(**row) for row in rows_as_dicts(con, CACHE_SQL, span)]
    located = existing_optional_marts(con)
    optional = [load_optional_mart(con, name, located[name], period) for name in OPTIONAL_MARTS if name in located]
    return ReportData(period, headline, daily, callers, unattributed, models, cache, optional)
