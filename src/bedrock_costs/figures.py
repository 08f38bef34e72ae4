"""The figures the summary, the report and the export show, for a window of UTC days.

Each section reads the days of one reporting model (models/reporting/, ``rpt_*``: one row per day and
key, every measure additive) through the one reader (warehouse.py), then adds the days up per key.
The models define every measure (the token sums, the cost by route, a caller's role); this module
only sums rows and divides two sums. No SQL here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bedrock_costs.warehouse import Warehouse, as_date, between

ROUTES = ("profile", "unmapped_profile", "direct")  # attribution_status values: how a caller reached the model
UNATTRIBUTED = "unattributed"  # the app no mapped profile and no trusted gateway named


@dataclass(frozen=True)
class Window:
    """UTC days, both included."""

    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __str__(self) -> str:
        return f"{self.first} to {self.last} (UTC, {self.days} day{'s' if self.days != 1 else ''})"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last

    def last_days(self, days: int | None) -> Window:
        """The last ``days`` days of this window (all of it for None or 0; fewer when it is shorter)."""
        if not days:
            return self
        return Window(max(self.first, self.last - dt.timedelta(days=days - 1)), self.last)

    def before(self) -> Window:
        """The window of the same length just before this one."""
        return Window(self.first - dt.timedelta(days=self.days), self.first - dt.timedelta(days=1))


Period = Window  # the report's name for the UTC days it covers


def fitting_days(data: Window) -> int:
    """The report's default window, fitted to the data so the previous window of the same length is
    there to compare with: the last 30 days when the data holds 60 or more; else whole weeks, half
    the data (7 days of 14, 14 of 28); else half the data (2 days of 4); 1 day of a single day."""
    span = data.days
    if span >= 60:
        return 30
    if span >= 14:
        return 7 * (span // 14)
    return max(1, span // 2)


def data_window(warehouse: Warehouse) -> Window | None:
    """The days the marts hold (rpt_daily_totals); None when they are empty."""
    days = [as_date(r["usage_date"]) for r in warehouse.read("rpt_daily_totals", ["usage_date"])]
    present = [d for d in days if d is not None]
    return Window(min(present), max(present)) if present else None


# ---------------------------------------------------------------------------------------------
# Adding days up.


def total(values: Iterable[Any]) -> Any:
    """A sum as SQL makes it: NULLs skipped, NULL when every value is NULL (and for no value at all)."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def rollup(rows: Iterable[dict[str, Any]], keys: Sequence[str], measures: Sequence[str]) -> list[dict[str, Any]]:
    """One row per distinct ``keys``, each of ``measures`` summed with ``total`` (first-seen order)."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in keys), []).append(row)
    return [{**dict(zip(keys, key, strict=True)), **{m: total(r[m] for r in members) for m in measures}}
            for key, members in groups.items()]


def read_days(warehouse: Warehouse, relation: str, window: Window, **equal: Any) -> list[dict[str, Any]]:
    """A reporting model's rows for the window's days (and, with ``equal``, only those matching)."""
    from bedrock_costs.warehouse import equals

    rows = warehouse.read(relation, where=[between("usage_date", window.first, window.last),
                                           *(equals(k, v) for k, v in equal.items())])
    for row in rows:
        row["usage_date"] = as_date(row["usage_date"])
    return rows


def share(part: float | None, whole: float | None) -> float | None:
    """part / whole, or None without a whole."""
    return part / whole if part is not None and whole else None


def cached_share(cache_read_input_tokens: float | None, total_input_tokens: float | None) -> float | None:
    """The report's one cache measure: input tokens read from the prompt cache over every input token
    (uncached, cache reads and cache writes; the semantic layer's cached_token_share)."""
    return share(cache_read_input_tokens, total_input_tokens)


def change(current: float | None, previous: float | None) -> float | None:
    """The relative change (0.12 for +12%); None without a previous value or from 0."""
    return None if previous is None or previous == 0 or current is None else current / previous - 1


def by_cost(cost: float | None) -> tuple[int, float]:
    """Sort key: the biggest cost first, NULL last."""
    return (1, 0.0) if cost is None else (0, -cost)


# ---------------------------------------------------------------------------------------------
# The sections' figures.


@dataclass(frozen=True)
class Comparison:
    """The previous period of the same length, and whether the data reaches back over all of it."""

    previous: Window
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


@dataclass
class Headline:
    """The period's totals, for the cards (rpt_daily_totals)."""

    priced_cost_usd: float
    unpriced_request_count: int
    request_count: int
    error_count: int
    input_tokens: int
    output_tokens: int
    cache_read_input_tokens: int
    cache_write_input_tokens: int
    total_input_tokens: int
    total_tokens: int
    unattributed_cost_usd: float       # the app `unattributed`: no mapped profile, no trusted gateway's app
    direct_cost_usd: float             # of which called directly with a model id
    unmapped_profile_cost_usd: float   # of which through profiles missing from profile_map.csv
    previous_priced_cost_usd: float | None = None  # the previous period's, when the data covers it

    @property
    def total_cost_usd(self) -> float | None:
        """NULL, as in the marts, when any request has no price."""
        return self.priced_cost_usd if self.unpriced_request_count == 0 else None

    @property
    def cached_token_share(self) -> float | None:
        return cached_share(self.cache_read_input_tokens, self.total_input_tokens)


HEADLINE_MEASURES = {  # Headline field -> rpt_daily_totals column
    "priced_cost_usd": "priced_cost_usd", "unpriced_request_count": "unpriced_request_count",
    "request_count": "request_count", "error_count": "error_count", "input_tokens": "input_tokens",
    "output_tokens": "output_tokens", "cache_read_input_tokens": "cache_read_input_tokens",
    "cache_write_input_tokens": "cache_write_input_tokens", "total_input_tokens": "total_input_tokens",
    "total_tokens": "total_tokens", "unattributed_cost_usd": "unattributed_cost_usd",
    "direct_cost_usd": "unattributed_direct_cost_usd",
    "unmapped_profile_cost_usd": "unattributed_unmapped_profile_cost_usd",
}


def headline(warehouse: Warehouse, period: Window, compared: Comparison | None = None) -> Headline:
    """The period's totals; with a covered comparison, the previous period's priced cost too."""
    span = Window(compared.previous.first, period.last) if compared and compared.covered else period
    rows = read_days(warehouse, "rpt_daily_totals", span)
    now = [r for r in rows if r["usage_date"] in period]
    found = Headline(**{name: total(r[column] for r in now) or 0 for name, column in HEADLINE_MEASURES.items()})
    if compared and compared.covered:
        found.previous_priced_cost_usd = float(total(r["priced_cost_usd"] for r in rows
                                                     if r["usage_date"] in compared.previous) or 0.0)
    return found


@dataclass(frozen=True)
class DailyCost:
    """One app's cost on one day."""

    usage_date: dt.date
    app: str
    cost_usd: float


@dataclass(frozen=True)
class AppTeamCost:
    """One app and team (and how the app was attributed): this period's figures and the previous
    period's cost. cost_usd is None when none of its calls has a price."""

    app: str
    team: str
    attribution_source: str
    request_count: int
    cost_usd: float | None
    previous_cost_usd: float | None    # None when there is no comparison
    total_tokens: int = 0
    unpriced_request_count: int = 0

    @property
    def change(self) -> float | None:
        return change(self.cost_usd or 0.0, self.previous_cost_usd)


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
        return cached_share(self.cache_read_input_tokens, self.total_input_tokens) or 0.0


@dataclass
class AppFigures:
    """Everything rpt_app_daily_cost gives a period: the daily chart, apps, teams and the cache share."""

    daily: list[DailyCost]
    app_teams: list[AppTeamCost]
    teams: list[TeamCost]
    cache_by_app: list[AppCache]


def app_figures(warehouse: Warehouse, period: Window, compared: Comparison | None = None) -> AppFigures:
    """Apps, teams, days and cache shares of the period; with a covered comparison, the previous
    period's cost per app and team (a group that spent in either period shows)."""
    covered = compared is not None and compared.covered
    span = Window(compared.previous.first, period.last) if compared and covered else period
    rows = read_days(warehouse, "rpt_app_daily_cost", span)
    now = [r for r in rows if r["usage_date"] in period]
    before = [r for r in rows if compared and covered and r["usage_date"] in compared.previous]

    daily = [DailyCost(r["usage_date"], r["app"], float(r["cost_usd"] or 0))
             for r in sorted(rollup(now, ["usage_date", "app"], ["cost_usd"]),
                             key=lambda r: (r["usage_date"], r["app"]))]

    keys = ["app", "team", "attribution_source"]
    current = {tuple(r[k] for k in keys): r for r in rollup(
        now, keys, ["request_count", "total_tokens", "cost_usd", "unpriced_request_count"])}
    previous = {tuple(r[k] for k in keys): r["cost_usd"] for r in rollup(before, keys, ["cost_usd"])}
    app_teams = []
    for key in [*current, *(k for k in previous if k not in current)]:
        row = current.get(key, {})
        app_teams.append(AppTeamCost(
            app=key[0], team=key[1], attribution_source=key[2], request_count=row.get("request_count") or 0,
            cost_usd=row["cost_usd"] if row else 0.0,
            previous_cost_usd=float(previous.get(key) or 0) if covered else None,
            total_tokens=row.get("total_tokens") or 0, unpriced_request_count=row.get("unpriced_request_count") or 0))
    app_teams.sort(key=lambda r: (*by_cost(r.cost_usd), *by_cost(r.previous_cost_usd), r.app, r.team,
                                  r.attribution_source))

    team_keys = ["team", "cost_center"]
    team_now = {tuple(r[k] for k in team_keys): r for r in rollup(now, team_keys, ["request_count", "cost_usd"])}
    team_before = {tuple(r[k] for k in team_keys): r["cost_usd"] for r in rollup(before, team_keys, ["cost_usd"])}
    teams = []
    for key in [*team_now, *(k for k in team_before if k not in team_now)]:
        row = team_now.get(key, {})
        apps = sorted({r["app"] for r in now if (r["team"], r["cost_center"]) == key})
        teams.append(TeamCost(key[0], key[1], apps, row.get("request_count") or 0, float(row.get("cost_usd") or 0),
                              float(team_before.get(key) or 0) if covered else None))
    teams.sort(key=lambda t: (-t.cost_usd, -(t.previous_cost_usd or 0), t.team, t.cost_center is None,
                              t.cost_center or ""))

    cache = [AppCache(r["app"], float(r["cost_usd"] or 0), r["cache_read_input_tokens"], r["total_input_tokens"])
             for r in rollup(now, ["app"], ["cost_usd", "cache_read_input_tokens", "total_input_tokens"])
             if r["total_input_tokens"]]
    cache.sort(key=lambda a: (-a.cost_usd, a.app))
    return AppFigures(daily, app_teams, teams, cache)


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
    caller_role_name: str = ""         # the role as a person reads it (rpt_caller_daily_cost)
    routes: tuple[str, ...] = ()       # the routes it called by: direct, profile, unmapped_profile
    priced: bool = True                # False when none of its calls has a price

    def route_cost_usd(self, route: str) -> float:
        """The cost through one of ROUTES."""
        costs = {"profile": self.profile_cost_usd, "unmapped_profile": self.unmapped_profile_cost_usd,
                 "direct": self.direct_cost_usd}
        return costs[route]

    @property
    def via(self) -> str:
        """direct+profile: the routes, as the summary prints them."""
        return "+".join(self.routes)


CALLER_MEASURES = ["request_count", "unpriced_request_count", "cost_usd", "profile_cost_usd",
                   "unmapped_profile_cost_usd", "direct_cost_usd", "profile_request_count",
                   "unmapped_profile_request_count", "direct_request_count"]
CALLER_IDENTITY = ["account_id", "caller_name", "caller_type", "caller_role", "caller_role_name"]


def caller_apps(warehouse: Warehouse, period: Window) -> dict[str, list[str]]:
    """Each caller's apps in the period, the biggest spend first (rpt_app_caller_daily_cost)."""
    spent = rollup(read_days(warehouse, "rpt_app_caller_daily_cost", period), ["caller_arn", "app"], ["cost_usd"])
    apps: dict[str, list[str]] = {}
    for row in sorted(spent, key=lambda r: (-(r["cost_usd"] or 0), r["app"])):
        apps.setdefault(row["caller_arn"], []).append(row["app"])
    return apps


def identities(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each caller ARN's identity columns (the last non-NULL value of each, by day)."""
    found: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: r["usage_date"]):
        known = found.setdefault(row["caller_arn"], dict.fromkeys(CALLER_IDENTITY))
        known.update({k: row[k] for k in CALLER_IDENTITY if row[k] is not None})
    return found


def callers(warehouse: Warehouse, period: Window, top: int | None = None) -> list[CallerCost]:
    """Every caller of the period (or the ``top`` ones), the biggest cost first."""
    rows = read_days(warehouse, "rpt_caller_daily_cost", period)
    who = identities(rows)
    apps = caller_apps(warehouse, period)
    found = []
    for r in rollup(rows, ["caller_arn"], CALLER_MEASURES):
        arn, identity = r["caller_arn"], who[r["caller_arn"]]
        found.append(CallerCost(
            arn, identity["caller_name"], identity["caller_role"], identity["caller_type"], identity["account_id"],
            apps.get(arn, []), r["request_count"] or 0, float(r["cost_usd"] or 0), float(r["profile_cost_usd"] or 0),
            float(r["unmapped_profile_cost_usd"] or 0), float(r["direct_cost_usd"] or 0),
            r["unpriced_request_count"] or 0, identity["caller_role_name"] or "",
            tuple(route for route in sorted(ROUTES) if r[f"{route}_request_count"]), r["cost_usd"] is not None))
    found.sort(key=lambda c: (*by_cost(c.cost_usd if c.priced else None), c.caller_arn))
    return found[:top] if top is not None else found


def unattributed_callers(warehouse: Warehouse, period: Window, top: int | None = None) -> list[CallerCost]:
    """The callers behind the app `unattributed` (its spend only): direct, or through an application
    profile missing from profile_map.csv (whose model is unknown). Their identity from rpt_caller_daily_cost."""
    rows = read_days(warehouse, "rpt_app_caller_daily_cost", period, app=UNATTRIBUTED)
    who = identities(read_days(warehouse, "rpt_caller_daily_cost", period))
    apps = caller_apps(warehouse, period)
    names = {r["caller_arn"]: r["caller_name"] for r in sorted(rows, key=lambda r: r["usage_date"])}
    found = []
    for r in rollup(rows, ["caller_arn"], ["request_count", "cost_usd", "unmapped_profile_cost_usd",
                                           "direct_cost_usd", "unpriced_request_count"]):
        identity = who.get(r["caller_arn"], dict.fromkeys(CALLER_IDENTITY))
        found.append(CallerCost(
            r["caller_arn"], names[r["caller_arn"]], identity["caller_role"], identity["caller_type"],
            identity["account_id"], apps.get(r["caller_arn"], []), r["request_count"] or 0, float(r["cost_usd"] or 0),
            0.0, float(r["unmapped_profile_cost_usd"] or 0), float(r["direct_cost_usd"] or 0),
            r["unpriced_request_count"] or 0, identity["caller_role_name"] or ""))
    found.sort(key=lambda c: (-c.cost_usd, c.caller_arn))
    return found[:top] if top is not None else found


@dataclass(frozen=True)
class RoleCost:
    """One IAM role (as a person reads it) in one account: its sessions' cost, the biggest first."""

    account_id: str | None
    role_name: str
    callers: list[CallerCost]

    @property
    def cost_usd(self) -> float:
        return sum(c.cost_usd for c in self.callers)

    @property
    def request_count(self) -> int:
        return sum(c.request_count for c in self.callers)

    @property
    def direct_cost_usd(self) -> float:
        return sum(c.direct_cost_usd for c in self.callers)

    @property
    def apps(self) -> list[str]:
        """The apps its sessions' spend went to, in the order of its biggest sessions."""
        return list(dict.fromkeys(app for c in self.callers for app in c.apps))


def roles(all_callers: Sequence[CallerCost]) -> list[RoleCost]:
    """Callers grouped by role and account: an ECS service's tasks or an SSO permission set's users
    are one row, their sessions beneath it."""
    groups: dict[tuple[str | None, str], list[CallerCost]] = {}
    for caller in all_callers:
        groups.setdefault((caller.account_id, caller.caller_role_name), []).append(caller)
    found = [RoleCost(account, name, sorted(members, key=lambda c: (-c.cost_usd, c.caller_arn)))
             for (account, name), members in groups.items()]
    return sorted(found, key=lambda r: (-r.cost_usd, r.role_name, r.account_id or ""))


@dataclass(frozen=True)
class ModelCost:
    """One model's cost and tokens in the period (model_id None: an unmapped application profile)."""

    model_id: str | None
    request_count: int
    cost_usd: float
    total_tokens: int
    cache_read_input_tokens: int
    total_input_tokens: int

    @property
    def cached_token_share(self) -> float | None:
        return cached_share(self.cache_read_input_tokens, self.total_input_tokens)

    @property
    def cost_per_1m_tokens_usd(self) -> float | None:
        return share(self.cost_usd * 1e6, self.total_tokens)


def models(warehouse: Warehouse, period: Window) -> list[ModelCost]:
    rows = rollup(read_days(warehouse, "rpt_model_daily_cost", period), ["model_id"],
                  ["request_count", "cost_usd", "total_tokens", "cache_read_input_tokens", "total_input_tokens"])
    found = [ModelCost(r["model_id"], r["request_count"] or 0, float(r["cost_usd"] or 0), r["total_tokens"] or 0,
                       r["cache_read_input_tokens"] or 0, r["total_input_tokens"] or 0) for r in rows]
    return sorted(found, key=lambda m: (-m.cost_usd, m.model_id is None, m.model_id or ""))


@dataclass
class Figures:
    """A period's figures, read once: what the report and the export show."""

    period: Window
    comparison: Comparison
    headline: Headline
    apps: AppFigures
    callers: list[CallerCost] = field(default_factory=list)      # every caller, the biggest first
    unattributed_callers: list[CallerCost] = field(default_factory=list)
    models: list[ModelCost] = field(default_factory=list)

    @property
    def roles(self) -> list[RoleCost]:
        return roles(self.callers)


def comparison(data: Window, period: Window) -> Comparison:
    """The period of the same length just before ``period``, and the first day of data."""
    return Comparison(period.before(), data.first)


def figures(warehouse: Warehouse, data: Window, period: Window) -> Figures:
    compared = comparison(data, period)
    return Figures(period, compared, headline(warehouse, period, compared), app_figures(warehouse, period, compared),
                   callers(warehouse, period), unattributed_callers(warehouse, period), models(warehouse, period))
