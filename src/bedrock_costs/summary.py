"""Print the `make run` summary: cost by app and team, the top callers, any anomalies and budget alerts,
and, with a CUR 2.0 export, the bill versus the estimate.

    bedrock-costs summary [--database PATH] [--days 7] [--top 8] [--run-results target/run_results.json]
    bedrock-costs summary --which-database          the database `make run` builds (see default_database)
    bedrock-costs summary --readme README.md [--check]

Every section names its window. The bill's section (only when the bill marts exist, docs/bill.md)
shows each billing period with data in the summary's window: its window is that month's days.
``--run-results`` first prints one line about the dbt build that
just ran (what it built and tested, what failed, how long it took). ``--readme`` writes the summary
into README.md's example block; with ``--check`` it only says whether the block is current.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from bedrock_costs.cli import command_parser, run_guarded
from bedrock_costs.errors import SetupError
from bedrock_costs.tables import money, table

DEFAULT_DATABASE = "bedrock_costs.duckdb"
README_BEGIN = "<!-- BEGIN summary example: written by `make readme-example`, checked by tests/test_summary.py -->"
README_END = "<!-- END summary example -->"
SSO_ROLE = re.compile(r"^(AWSReservedSSO_.+)_[0-9a-f]{16}$")
BUDGET_ORDER = ("over_budget", "over_threshold", "forecast_over_budget", "no_budget")


def default_database(environ: Mapping[str, str] | None = None) -> Path:
    """The DuckDB file to build and read: DBT_DUCKDB_PATH when set; else, when BEDROCK_LOGS_PATH names
    your own logs, ``bedrock_costs_<8 hex of sha256(its absolute path)>.duckdb``, so the sample and
    each copy of your logs never share a database; else bedrock_costs.duckdb (the bundled sample)."""
    env = os.environ if environ is None else environ
    if env.get("DBT_DUCKDB_PATH"):
        return Path(env["DBT_DUCKDB_PATH"])
    logs = env.get("BEDROCK_LOGS_PATH")
    if not logs:
        return Path(DEFAULT_DATABASE)
    # an s3:// prefix is its own key; a folder is keyed by its absolute path
    key = logs.rstrip("/") if "://" in logs else str(Path(logs).resolve())
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    return Path(f"bedrock_costs_{digest}.duckdb")


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


def last_days(con: duckdb.DuckDBPyConnection, days: int) -> Window | None:
    """The last ``days`` days of data in fct_daily_app_cost (fewer when the data is shorter); None when empty."""
    first, last = con.execute("select min(usage_date), max(usage_date) from fct_daily_app_cost").fetchone() or (
        None, None)
    if last is None:
        return None
    return Window(max(first, last - dt.timedelta(days=max(days, 1) - 1)), last)


def role_name(role: str | None, caller_type: str | None) -> str:
    """The IAM role behind a session, as a person reads it: AWSReservedSSO_DataScientist (the SSO role's
    random suffix dropped); for a caller without a role, its type in brackets: (iam user), (root)."""
    if role:
        match = SSO_ROLE.match(role)
        return match.group(1) if match else role
    return f"({(caller_type or 'unknown').replace('_', ' ')})"


def shortlist(names: Sequence[str], keep: int = 2) -> str:
    """a, b +3 more."""
    shown = ", ".join(names[:keep])
    return shown + (f" +{len(names) - keep} more" if len(names) > keep else "")


APP_SQL = """
select
    app,
    team,
    attribution_source,
    sum(request_count) as requests,
    sum(input_tokens + output_tokens + cache_read_input_tokens + cache_write_input_tokens) as tokens,
    sum(cost_usd) as cost_usd,
    sum(unpriced_request_count) as unpriced
from fct_daily_app_cost
where usage_date between ? and ?
group by app, team, attribution_source
order by cost_usd desc nulls last, app, team, attribution_source
"""

# One row per caller ARN; the apps its spend went to (the one meaning of app), biggest first.
CALLER_SQL = """
with callers as (
    select
        caller_arn,
        any_value(caller_name) as caller_name,
        any_value(caller_role) as caller_role,
        any_value(caller_type) as caller_type,
        string_agg(distinct attribution_status, '+' order by attribution_status) as via,
        sum(request_count) as requests,
        sum(cost_usd) as cost_usd
    from fct_daily_caller_cost
    where usage_date between ? and ?
    group by caller_arn
),

caller_apps as (
    select caller_arn, app, coalesce(sum(cost_usd), 0) as cost_usd
    from fct_daily_app_caller_cost
    where usage_date between ? and ?
    group by caller_arn, app
)

select
    callers.caller_name,
    callers.caller_role,
    callers.caller_type,
    callers.via,
    (select list(caller_apps.app order by caller_apps.cost_usd desc, caller_apps.app)
     from caller_apps where caller_apps.caller_arn = callers.caller_arn) as apps,
    callers.requests,
    callers.cost_usd
from callers
order by callers.cost_usd desc nulls last, callers.caller_arn
limit ?
"""


def tables_present(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Tables and views of the marts' schema (the one holding fct_daily_app_cost)."""
    return {name for (name,) in con.execute("""
        select table_name from information_schema.tables
        where table_schema = (
            select table_schema from information_schema.tables where table_name = 'fct_daily_app_cost' limit 1)
        """).fetchall()}


def columns_of(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    return {d[0] for d in con.execute(f"select * from {name} limit 0").description or []}


def app_section(con: duckdb.DuckDBPyConnection, window: Window) -> tuple[str, int]:
    """Cost by app and team (and how each app was attributed); and the number of unpriced requests."""
    apps = con.execute(APP_SQL, [window.first, window.last]).fetchall()
    total = sum(r[5] or 0 for r in apps)
    rows = [[a, t, s, f"{q:,}", f"{k:,}", money(c), f"{c / total:.0%}" if c and total else ""]
            for a, t, s, q, k, c, _ in apps]
    heading = f"Bedrock cost by app and team, {window}: total {money(total)}"
    body = table(["app", "team", "attributed by", "requests", "tokens", "cost", "share"], rows, {3, 4, 5, 6})
    return f"{heading}\n{body}", sum(r[6] or 0 for r in apps)


def caller_section(con: duckdb.DuckDBPyConnection, window: Window, top: int) -> str:
    callers = con.execute(CALLER_SQL, [window.first, window.last, window.first, window.last, top]).fetchall()
    rows = [[name, role_name(role, kind), via, shortlist(apps or []), f"{q:,}", money(c)]
            for name, role, kind, via, apps, q, c in callers]
    return (f"Top {len(rows)} callers, {window}\n"
            + table(["caller", "role", "via", "app", "requests", "cost"], rows, {4, 5}))


def anomaly_section(con: duckdb.DuckDBPyConnection, window: Window, limit: int = 10) -> str:
    """fct_cost_anomalies' descriptions, biggest first; empty when there are none. Its window is the
    mart's own detection days (its window columns when it has them), not the summary's."""
    columns = columns_of(con, "fct_cost_anomalies")
    if {"window_start_date", "window_end_date"} <= columns:
        first, last = con.execute(
            "select min(window_start_date), max(window_end_date) from fct_cost_anomalies").fetchone() or (None, None)
        when = str(Window(first, last)) if first and last else ""
    else:
        when = f"the detection days to {window.last} (UTC; bedrock_costs_anomaly_detect_days, default 2)"
    found = con.execute("""
        select anomaly_type, description
        from fct_cost_anomalies
        order by cost_usd desc nulls last, started_at, description""").fetchall()
    if not found:
        return ""
    rows = [[kind.replace("_", " "), text] for kind, text in found[:limit]]
    more = f"\n... and {len(found) - limit} more in fct_cost_anomalies" if len(found) > limit else ""
    return f"Cost anomalies, {when}\n" + table(["anomaly", "description"], rows) + more


def budget_section(con: duckdb.DuckDBPyConnection) -> str:
    """The current month's apps that are not on track (fct_app_budget_status); empty when all are."""
    found = con.execute("""
        select app, budget_status, mtd_cost_usd, monthly_budget_usd, pct_of_budget, trailing_7d_forecast_usd,
               coalesce(budget_exceeded_date, projected_exceed_date) as exceeds_on,
               month_start_date, through_date
        from fct_app_budget_status
        where is_current_month and budget_status <> 'on_track'
        order by list_position(?, budget_status) nulls last, mtd_cost_usd desc nulls last, app""",
        [list(BUDGET_ORDER)]).fetchall()
    if not found:
        return ""
    month_start, through = found[0][7], found[0][8]
    rows = [[app, status, money(mtd), money(budget) if budget is not None else "none",
             f"{pct:.0f}%" if pct is not None else "", money(forecast) if forecast is not None else "",
             str(exceeds) if exceeds else ""]
            for app, status, mtd, budget, pct, forecast, exceeds, *_ in found]
    return (f"Budget alerts, {month_start:%B %Y} month to date, {Window(month_start, through)}\n"
            + table(["app", "status", "spent", "budget", "used", "7-day forecast", "exceeds on"], rows,
                    {2, 3, 4, 5}))


# ---------------------------------------------------------------------------------------------
# The bill versus the estimate (docs/bill.md): only when a CUR 2.0 export built the bill marts.
# The report (report/data.py, report/render.py) reads and words it through these too.

BILL_MARTS = ("fct_bill_variance_by_cause", "fct_bill_reconciliation")  # without both: no section
BILL_CAUSES = {  # the waterfall's causes (fct_bill_variance_by_cause.cause), as a person reads them
    "log_estimate": "estimate at list price (the logs)",
    "not_yet_billed": "not billed yet (CUR lag)",
    "token_count_gap": "token-count gaps (logging off or late)",
    "price_difference": "price differences (catalog vs bill)",
    "unlogged_traffic": "traffic the logs never see",
    "non_token_charges": "non-token charges",
    "unclassified": "bill lines no rule classifies",
    "credits_and_discounts": "discounts and credits",
    "residual": "residual",
    "net_bill": "net bill",
}
BILL_TOTALS = ("log_estimate", "net_bill")
BILL_ONE_KIND = {"log_estimate", "not_yet_billed", "token_count_gap", "price_difference", "residual", "net_bill"}
BILL_STATUSES = (  # fct_bill_reconciliation.status, in the status line's words and order
    ("reconciled", "cells reconciled"), ("variance", "with a variance"), ("not_in_logs", "not in the logs"),
    ("not_in_bill", "not in the bill"), ("pending", "pending"))
DIFFERING_TAGS = ("differs", "profile_not_in_map")
DIFFERING_CALLERS = ("differs", "not_in_logs", "not_in_bill")

# The billing periods from the window's first month to its last, and the days the bill marts hold in each.
BILL_PERIODS_SQL = """
select billing_period, min(usage_date) as first_date, max(usage_date) as last_date
from fct_bill_reconciliation
where billing_period between ? and ?
group by billing_period
order by billing_period
"""

# One period's waterfall, summed over its accounts: one row per cause and kind, in step order.
BILL_WATERFALL_SQL = """
select step_order, cause, kind, sum(amount_usd) as amount_usd, min(description) as description
from fct_bill_variance_by_cause
where billing_period = ?
group by step_order, cause, kind
order by step_order, kind
"""

BILL_STATUS_SQL = """
select
    max(case when status <> 'pending' then usage_date end) as bill_through_date,
    min(case when status = 'pending' then usage_date end) as first_pending_date,
    max(case when status = 'pending' then usage_date end) as last_pending_date,
    count(case when status = 'reconciled' then 1 end) as reconciled,
    count(case when status = 'variance' then 1 end) as variance,
    count(case when status = 'not_in_logs' then 1 end) as not_in_logs,
    count(case when status = 'not_in_bill' then 1 end) as not_in_bill,
    count(case when status = 'pending' then 1 end) as pending
from fct_bill_reconciliation
where billing_period = ?
"""

# The models whose catalog price is stale in the period, each from its first stale day (maybe in an
# earlier period).
BILL_STALE_SQL = """
select model_id, min(usage_date) as from_date
from fct_bill_catalog_price_check
where
    status = 'stale'
    and usage_date <= ?
    and model_id in (select model_id from fct_bill_catalog_price_check where status = 'stale' and billing_period = ?)
group by model_id
order by from_date, model_id
"""

# Profile tags compare over the whole export: those whose profile the bill has in the period's days.
BILL_TAGS_SQL = """
select profile_arn, profile_name, tag_key, bill_value, profile_map_value, status
from fct_bill_profile_tag_comparison
where status in (select unnest(?::varchar[])) and first_usage_date <= ? and last_usage_date >= ?
order by profile_name nulls last, profile_arn, tag_key
"""

BILL_CALLERS_SQL = """
select caller_arn, account_id, status, billed_cost_usd, estimated_cost_usd
from fct_bill_caller_comparison
where billing_period = ? and status in (select unnest(?::varchar[]))
order by abs(coalesce(billed_cost_usd, 0) - coalesce(estimated_cost_usd, 0)) desc, caller_arn
"""


def plain_money(value: float) -> str:
    """``$1,234.56`` or ``-$9.12`` (never ``-$0.00``)."""
    cents = round(value, 2)
    return ("-" if cents < 0 else "") + money(abs(cents))


def step_money(value: float) -> str:
    """A step of the waterfall: ``+$3.56``, ``-$235.30``; ``$0.00`` when it rounds to nothing."""
    cents = round(value, 2)
    return money(0.0) if cents == 0 else ("+" if cents > 0 else "-") + money(abs(cents))


@dataclass(frozen=True)
class BillStep:
    """One row of the period's waterfall (fct_bill_variance_by_cause, summed over accounts)."""

    step_order: int
    cause: str
    kind: str
    amount_usd: float
    description: str


@dataclass(frozen=True)
class BillCause:
    """One line of the waterfall: a cause, its amount, and the kinds it sums."""

    step_order: int
    cause: str
    amount_usd: float
    kinds: list[BillStep]

    @property
    def label(self) -> str:
        return BILL_CAUSES.get(self.cause, self.cause.replace("_", " "))

    @property
    def is_total(self) -> bool:
        return self.cause in BILL_TOTALS

    @property
    def breakdown(self) -> list[BillStep]:
        """The kinds that are not 0 at the cent, biggest first; none for a cause of one kind."""
        if self.cause in BILL_ONE_KIND:
            return []
        shown = [k for k in self.kinds if round(k.amount_usd, 2) != 0]
        return sorted(shown, key=lambda k: (-abs(k.amount_usd), k.kind))

    @property
    def amount_text(self) -> str:
        return plain_money(self.amount_usd) if self.is_total else step_money(self.amount_usd)

    @property
    def breakdown_text(self) -> str:
        return ", ".join(f"{k.kind} {plain_money(k.amount_usd)}" for k in self.breakdown)


@dataclass(frozen=True)
class BillStatus:
    """How far the bill reaches into the period, and its reconciliation cells by status."""

    bill_through_date: dt.date | None
    first_pending_date: dt.date | None
    last_pending_date: dt.date | None
    reconciled: int
    variance: int
    not_in_logs: int
    not_in_bill: int
    pending: int

    @property
    def coverage(self) -> str:
        """CUR 2.0 billed through 2026-11-12; 2026-11-13 to 2026-11-14 pending."""
        billed = (f"CUR 2.0 billed through {self.bill_through_date}" if self.bill_through_date
                  else "nothing billed yet")
        first, last = self.first_pending_date, self.last_pending_date
        if first is None or last is None:
            return f"{billed}; nothing pending"
        return f"{billed}; {first if first == last else f'{first} to {last}'} pending"

    @property
    def line(self) -> str:
        """749 cells reconciled, 12 with a variance, ... (fct_bill_reconciliation)."""
        counts = ", ".join(f"{getattr(self, status):,} {words}" for status, words in BILL_STATUSES)
        return f"{counts} (fct_bill_reconciliation)"


@dataclass(frozen=True)
class StalePrice:
    model_id: str
    from_date: dt.date


@dataclass(frozen=True)
class TagDifference:
    profile_arn: str
    profile_name: str | None
    tag_key: str
    bill_value: str | None
    profile_map_value: str | None
    status: str


@dataclass(frozen=True)
class CallerDifference:
    caller_arn: str | None
    account_id: str
    status: str
    billed_cost_usd: float | None
    estimated_cost_usd: float | None


@dataclass(frozen=True)
class BillPeriod:
    """One billing period: the waterfall from the estimate to the net bill, the reconciliation's status,
    and where the bill knows more. ``window``: the period's days in the bill marts. A list is None when
    its mart does not exist."""

    billing_period: dt.date
    window: Window
    steps: list[BillStep]
    status: BillStatus
    stale_prices: list[StalePrice] | None
    tag_differences: list[TagDifference] | None
    caller_differences: list[CallerDifference] | None

    @property
    def name(self) -> str:
        """2026-11."""
        return f"{self.billing_period:%Y-%m}"

    @property
    def causes(self) -> list[BillCause]:
        """The waterfall's lines, in step order: each cause with its kinds."""
        grouped: dict[str, list[BillStep]] = {}
        for step in self.steps:
            grouped.setdefault(step.cause, []).append(step)
        lines = [BillCause(min(k.step_order for k in kinds), cause, sum(k.amount_usd for k in kinds), kinds)
                 for cause, kinds in grouped.items()]
        return sorted(lines, key=lambda c: c.step_order)

    def total(self, cause: str) -> float:
        return sum(s.amount_usd for s in self.steps if s.cause == cause)

    @property
    def notes(self) -> list[str]:
        """Stale list prices; the profile tags and callers that differ from the bill."""
        notes = []
        if self.stale_prices is not None:
            stale = ", ".join(f"{s.model_id} from {s.from_date}" for s in self.stale_prices)
            notes.append(f"Stale list price{'s' if len(self.stale_prices) > 1 else ''}: {stale}." if stale
                         else "No stale list price.")
        counted = [(len(found), noun) for found, noun in ((self.tag_differences, "profile tag"),
                                                           (self.caller_differences, "caller")) if found is not None]
        if counted:
            things = " and ".join(f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in counted)
            verb = "differs" if len(counted) == 1 and counted[0][0] == 1 else "differ"
            notes.append(f"{things} {verb} from the bill.")
        return notes


def bill_periods(con: duckdb.DuckDBPyConnection, window: Window) -> list[BillPeriod]:
    """Each billing period with data in ``window`` (a calendar month's), oldest first; none without
    the bill marts."""
    present = tables_present(con)
    if not set(BILL_MARTS) <= present:
        return []
    periods = con.execute(BILL_PERIODS_SQL, [window.first.replace(day=1), window.last.replace(day=1)]).fetchall()
    found = []
    for period, first, last in periods:
        steps = [BillStep(int(o), c, k, float(a or 0), d or "")
                 for o, c, k, a, d in con.execute(BILL_WATERFALL_SQL, [period]).fetchall()]
        status = BillStatus(*(con.execute(BILL_STATUS_SQL, [period]).fetchone() or ()))
        stale = tags = callers = None
        if "fct_bill_catalog_price_check" in present:
            stale = [StalePrice(*row) for row in con.execute(BILL_STALE_SQL, [last, period]).fetchall()]
        if "fct_bill_profile_tag_comparison" in present:
            tags = [TagDifference(*row)
                    for row in con.execute(BILL_TAGS_SQL, [list(DIFFERING_TAGS), last, first]).fetchall()]
        if "fct_bill_caller_comparison" in present:
            callers = [CallerDifference(*row)
                       for row in con.execute(BILL_CALLERS_SQL, [period, list(DIFFERING_CALLERS)]).fetchall()]
        found.append(BillPeriod(period, Window(first, last), steps, status, stale, tags, callers))
    return found


def bill_section(period: BillPeriod) -> str:
    """The waterfall as a table, then the reconciliation's status and the notes."""
    rows = [[c.label, c.amount_text, c.breakdown_text] for c in period.causes]
    lines = [period.status.line, " ".join(period.notes)]
    return (f"Bill versus estimate, {period.name}, {period.window}: {period.status.coverage}\n"
            + table(["step", "amount", "of which"], rows, {1}) + "".join(f"\n  {line}" for line in lines if line))


def summary(con: duckdb.DuckDBPyConnection, days: int, top: int) -> str:
    """The summary's sections, a blank line apart, and a warning line when any request has no price."""
    window = last_days(con, days)
    if window is None:
        return "The marts are empty: no Bedrock invocations were found in the logs."
    apps, unpriced = app_section(con, window)
    parts = [apps, caller_section(con, window, top)]
    present = tables_present(con)
    if "fct_cost_anomalies" in present:
        parts.append(anomaly_section(con, window))
    if "fct_app_budget_status" in present:
        parts.append(budget_section(con))
    parts.extend(bill_section(period) for period in bill_periods(con, window))
    text = "\n\n".join(part for part in parts if part)
    if unpriced:
        text += f"\n\nWARNING: {unpriced:,} requests have no price: see the assert_all_tokens_priced test."
    return text


# ---------------------------------------------------------------------------------------------
# The dbt build that just ran, in one line (and one more per failed node).

PLURALS = {"seed": "seeds", "model": "models", "snapshot": "snapshots", "test": "data tests",
           "unit_test": "unit tests"}
PROBLEMS = {"error": "errored", "fail": "failed", "warn": "warned", "skipped": "skipped"}


def shorten(name: str, width: int = 72) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def node_name(unique_id: str) -> tuple[str, str]:
    """test.bedrock_costs.not_null_x.1a2b3c -> ('test', 'not_null_x'); unit tests keep their model's name."""
    kind, _, name, *rest = [*unique_id.split("."), "", ""][:4]
    return kind, f"{name}.{rest[0]}" if kind == "unit_test" and rest[0] else name


def build_line(run_results: Mapping[str, Any]) -> str:
    """What `dbt build` built and tested and how long it took, then one line per node that failed,
    warned or errored (the on-run-end hook has printed what each test found, above)."""
    counts: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    problems: list[str] = []
    for result in run_results.get("results", []):
        kind, name = node_name(str(result.get("unique_id", "")))
        status = str(result.get("status", "")).lower()
        if kind in PLURALS:
            counts[kind] += 1
            statuses[status] += 1
        if status in ("error", "fail", "warn"):
            problems.append(f"  {status.upper()} {kind.replace('_', ' ')} {shorten(name)}")
    built = ", ".join(f"{counts[k]} {PLURALS[k] if counts[k] != 1 else k.replace('_', ' ')}"
                      for k in PLURALS if counts[k])
    outcome = ", ".join(f"{statuses[s]} {word}" for s, word in PROBLEMS.items() if statuses[s]) or "all OK"
    elapsed = float(run_results.get("elapsed_time") or 0)
    return "\n".join([f"dbt build: {built or 'nothing'} in {elapsed:.1f} s; {outcome}.", *problems])


def read_run_results(path: Path) -> str:
    """The build line, or why there is none."""
    if not path.exists():
        raise SetupError("NoRunResults", f"dbt wrote no {path}: the build stopped before it ran (see its error above)")
    return build_line(json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------------------
# README.md's example block: the summary of the bundled sample, between two markers.


def readme_block(readme: str) -> str:
    """The text inside the example block's code fence."""
    try:
        inside = readme.split(README_BEGIN, 1)[1].split(README_END, 1)[0]
    except IndexError as error:
        raise SetupError("NoReadmeBlock", f"README has no {README_BEGIN!r} ... {README_END!r} block") from error
    return inside.strip().removeprefix("```text").removesuffix("```").strip("\n")


def with_readme_block(readme: str, text: str) -> str:
    """The README with the example block's contents replaced by ``text``."""
    readme_block(readme)  # raises when the markers are missing
    head, rest = readme.split(README_BEGIN, 1)
    tail = rest.split(README_END, 1)[1]
    return f"{head}{README_BEGIN}\n```text\n{text}\n```\n{README_END}{tail}"


# ---------------------------------------------------------------------------------------------
# The command.


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = command_parser("summary", __doc__, with_common=False)
    parser.add_argument("--database", type=Path, default=None,
                        help="the DuckDB file (default: $DBT_DUCKDB_PATH, else derived from $BEDROCK_LOGS_PATH, "
                             f"else {DEFAULT_DATABASE})")
    parser.add_argument("--days", type=int, default=7, help="last N days of data (default 7)")
    parser.add_argument("--top", type=int, default=8, help="callers to list (default 8)")
    parser.add_argument("--run-results", type=Path, help="first, one line about the dbt build that wrote this file")
    parser.add_argument("--which-database", action="store_true", help="print the database path and exit")
    parser.add_argument("--readme", type=Path, help="write the summary into this README's example block")
    parser.add_argument("--check", action="store_true", help="with --readme: only check that the block is current")
    args = parser.parse_args(argv)
    args.database = args.database or default_database()
    return args


def run(args: argparse.Namespace) -> int:
    if args.which_database:
        print(args.database)
        return 0
    if args.run_results:
        print(read_run_results(args.run_results) + "\n", flush=True)
    if not args.database.exists():
        raise SetupError("NoDatabase", f"{args.database} does not exist; run `make run` first")
    try:
        with duckdb.connect(str(args.database), read_only=True) as con:
            text = summary(con, args.days, args.top)
    except duckdb.CatalogException as error:
        raise SetupError("MissingMart", f"{error.args[0].splitlines()[0]}; run `dbt build` first") from error
    if args.readme:
        return update_readme(args.readme, text, args.check)
    print(text)
    return 0


def update_readme(readme: Path, text: str, check: bool) -> int:
    current = readme.read_text(encoding="utf-8")
    if readme_block(current) == text:
        print(f"{readme}: the example block is current.")
        return 0
    if check:
        print(f"{readme}: the example block is stale; run `make readme-example`.")
        return 1
    readme.write_text(with_readme_block(current, text), encoding="utf-8")
    print(f"{readme}: example block updated.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))
