"""Print the `make run` summary: cost by app and team, roles and the top callers, any anomalies and
budget alerts, and, with a CUR 2.0 export, the bill versus the estimate and the billed cost per app
and team (the chargeback), with what stays unattributed and why.

    bedrock-costs summary [--target local|trino|athena] [--database PATH] [--days 7] [--top 8]
                          [--run-results target/run_results.json]
    bedrock-costs summary --which-database          the database `make run` builds (see default_database)
    bedrock-costs summary --readme README.md [--check]

Reads the reporting models (models/reporting/) of the dbt target: the DuckDB file by default, or the
Trino or Athena schema dbt built (--target, or $DBT_TARGET). Every section names its window: the last
--days days of data (0 for all of it). The bill's sections (only when the bill marts exist,
docs/bill.md) show each billing period with data in the window: their window is that month's days.
--run-results first prints one line about the dbt build that just ran (what it built and tested,
what failed, how long it took). --readme writes the summary into README.md's example block; with
--check it only says whether the block is current. Text from the logs (caller names, tags) is printed
with its control characters escaped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bedrock_costs import budget_alerts, figures
from bedrock_costs.cli import command_parser, run_guarded, target_arguments
from bedrock_costs.errors import InputError, SetupError
from bedrock_costs.figures import Window
from bedrock_costs.tables import money, table
from bedrock_costs.terminal import printable
from bedrock_costs.warehouse import (
    DEFAULT_DATABASE,
    MissingRelation,
    Warehouse,
    as_date,
    at_least,
    at_most,
    between,
    default_database,
    equals,
    open_warehouse,
    reader,
)

__all__ = ["DEFAULT_DATABASE", "Window", "default_database", "main", "money", "summary", "table"]

README_BEGIN = "<!-- BEGIN summary example: written by `make readme-example`, checked by tests/test_summary.py -->"
README_END = "<!-- END summary example -->"
BUDGET_ORDER = ("over_budget", "over_threshold", "forecast_over_budget", "on_track", "no_budget")
TOP_ROLES = 5


def shortlist(names: Sequence[str], keep: int = 2) -> str:
    """a, b +3 more."""
    shown = ", ".join(names[:keep])
    return shown + (f" +{len(names) - keep} more" if len(names) > keep else "")


def app_section(warehouse: Warehouse, window: Window) -> tuple[str, int]:
    """Cost by app and team (and how each app was attributed); and the number of unpriced requests."""
    apps = figures.app_figures(warehouse, window).app_teams
    total = sum(a.cost_usd or 0 for a in apps)
    rows = [[a.app, a.team, a.attribution_source, f"{a.request_count:,}", f"{a.total_tokens:,}", money(a.cost_usd),
             f"{a.cost_usd / total:.0%}" if a.cost_usd and total else ""] for a in apps]
    heading = f"Bedrock cost by app and team, {window}: total {money(total)}"
    body = table(["app", "team", "attributed by", "requests", "tokens", "cost", "share"], rows, {3, 4, 5, 6})
    return f"{heading}\n{body}", sum(a.unpriced_request_count for a in apps)


def role_section(callers: Sequence[figures.CallerCost], window: Window, top: int = TOP_ROLES) -> str:
    """The roles behind the spend: an ECS service's tasks, an SSO permission set's users, one row each."""
    found = figures.roles(callers)
    if not found:
        return ""
    names = [r.role_name for r in found]
    rows = [[r.role_name + (f" ({r.account_id})" if names.count(r.role_name) > 1 else ""),
             f"{len(r.callers)} session{'s' if len(r.callers) != 1 else ''}" if r.callers[0].caller_role
             else f"{len(r.callers)} caller{'s' if len(r.callers) != 1 else ''}",
             shortlist(r.apps), f"{r.request_count:,}", money(r.cost_usd)] for r in found[:top]]
    more = f"\n... and {len(found) - top} more roles" if len(found) > top else ""
    return (f"Cost by role, {window}\n"
            + table(["role", "callers", "app", "requests", "cost"], rows, {3, 4}) + more)


def caller_section(callers: Sequence[figures.CallerCost], window: Window, top: int) -> str:
    shown = callers[:top]
    rows = [[c.caller_name, c.caller_role_name, c.via, shortlist(c.apps), f"{c.request_count:,}",
             money(c.cost_usd if c.priced else None)] for c in shown]
    return (f"Top {len(rows)} callers, {window}\n"
            + table(["caller", "role", "via", "app", "requests", "cost"], rows, {4, 5}))


ANOMALY_COLUMNS = ["anomaly_type", "description", "cost_usd", "started_at", "window_start_date", "window_end_date"]


def anomaly_section(warehouse: Warehouse, limit: int = 10) -> str:
    """fct_cost_anomalies' descriptions, biggest first; empty when there are none (or no mart). Its
    window is the mart's own detection days, not the summary's."""
    try:
        found = warehouse.read("fct_cost_anomalies", ANOMALY_COLUMNS,
                               order_by=["cost_usd desc", "started_at", "description"])
    except MissingRelation:
        return ""
    if not found:
        return ""
    starts = [d for d in (as_date(r["window_start_date"]) for r in found) if d]
    ends = [d for d in (as_date(r["window_end_date"]) for r in found) if d]
    when = str(Window(min(starts), max(ends))) if starts and ends else "the mart's detection days"
    rows = [[str(r["anomaly_type"]).replace("_", " "), r["description"]] for r in found[:limit]]
    more = f"\n... and {len(found) - limit} more in fct_cost_anomalies" if len(found) > limit else ""
    return f"Cost anomalies, {when}\n" + table(["anomaly", "description"], rows) + more


def budget_section(warehouse: Warehouse) -> str:
    """The as-of month's budget alerts, by the rule `bedrock-costs budget-alerts` alerts on (the same
    apps); then, in a line each, the apps only the forecast puts over and the apps without a budget.
    Empty when every app with a budget is on track and every app has one (or there is no mart)."""
    try:
        found = budget_alerts.read_rows(warehouse)
    except SetupError:
        return ""
    if not found:
        return ""
    alerts = budget_alerts.find_alerts(found, forecast=True)
    actual = sorted((a for a in alerts if a.kind == "actual"),
                    key=lambda a: (BUDGET_ORDER.index(a.row.budget_status) if a.row.budget_status in BUDGET_ORDER
                                   else len(BUDGET_ORDER), -a.row.mtd_cost_usd, a.row.app))
    forecast = [a for a in alerts if a.kind == "forecast"]
    unbudgeted = sorted((r for r in found if r.budget_status == "no_budget"), key=lambda r: (-r.mtd_cost_usd, r.app))
    notes = []
    if forecast:
        notes.append("Forecast to reach a threshold by month end: " + ", ".join(
            f"{a.row.app} ({a.threshold_pct:g}%)" for a in forecast) + " (budget-alerts --forecast).")
    if unbudgeted:
        notes.append("No budget: " + ", ".join(f"{r.app} {money(r.mtd_cost_usd)}" for r in unbudgeted)
                     + " (seeds/app_budgets.csv).")
    if not actual and not notes:
        return ""
    month_start, through = found[0].month_start_date, max(r.through_date for r in found)
    when = f"{month_start:%B %Y} month to date, {Window(month_start, through)}"
    if not actual:
        heading = f"Budgets, {when}: no app over an alert threshold"
        return heading + "".join(f"\n  {note}" for note in notes)
    columns = ["app", "status", "spent", "budget", "used", "threshold", "7-day forecast", "exceeds on"]
    rows = [[a.row.app, a.row.budget_status, money(a.row.mtd_cost_usd),
             money(a.row.monthly_budget_usd) if a.row.monthly_budget_usd is not None else "none",
             f"{a.row.pct_of_budget:.0f}%" if a.row.pct_of_budget is not None else "", f"{a.threshold_pct:g}%",
             money(a.row.trailing_7d_forecast_usd) if a.row.trailing_7d_forecast_usd is not None else "",
             str(a.row.projected_exceed_date or "")] for a in actual]
    if not any(row[-1] for row in rows):  # no app is projected to pass its budget: no empty column
        columns, rows = columns[:-1], [row[:-1] for row in rows]
    return (f"Budget alerts, {when}\n" + table(columns, rows, {2, 3, 4, 5, 6})
            + "".join(f"\n  {note}" for note in notes))


# ---------------------------------------------------------------------------------------------
# The bill versus the estimate (docs/bill.md): only when a CUR 2.0 export built the bill marts.
# The report (report/data.py, report/render.py) reads and words it through these too.

BILL_MARTS = ("fct_bill_variance_by_cause", "fct_bill_reconciliation")  # without both: no section
BILL_ONE_KIND = {"log_estimate", "not_yet_billed", "token_count_gap", "price_difference", "residual", "net_bill"}
BILL_STATUSES = (  # fct_bill_reconciliation.status, in the status line's words and order
    ("reconciled", "cells reconciled"), ("variance", "with a variance"), ("not_in_logs", "not in the logs"),
    ("not_in_bill", "not in the bill"), ("pending", "pending"))
DIFFERING_TAGS = ("differs", "profile_not_in_map")
DIFFERING_CALLERS = ("differs", "not_in_logs", "not_in_bill")

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
    """One row of the period's waterfall (fct_bill_variance_by_cause, summed over accounts), with its
    cause's words from the mart (seeds/bill_causes.csv): the label, the chart's short label, a total."""

    step_order: int
    cause: str
    kind: str
    amount_usd: float
    description: str
    label: str = ""
    short_label: str = ""
    is_total: bool = False


@dataclass(frozen=True)
class BillCause:
    """One line of the waterfall: a cause, its amount, and the kinds it sums."""

    step_order: int
    cause: str
    amount_usd: float
    kinds: list[BillStep]

    @property
    def label(self) -> str:
        """The cause as the summary and the report's table word it (the mart's cause_label)."""
        return next((k.label for k in self.kinds if k.label), self.cause.replace("_", " "))

    @property
    def short_label(self) -> str:
        """Its label under a bar of the report's waterfall (the mart's cause_short_label)."""
        return next((k.short_label for k in self.kinds if k.short_label), self.label)

    @property
    def is_total(self) -> bool:
        return any(k.is_total for k in self.kinds)

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
class AppBill:
    """What the invoice charges an app and team in a billing period (rpt_bill_chargeback, summed over
    accounts and cost centers), next to the logs' estimate of the billed days."""

    app: str
    team: str
    cost_center: str
    estimated_cost_usd: float
    net_cost_usd: float
    shared_cost_usd: float
    credits_and_discounts_usd: float

    @property
    def difference_usd(self) -> float:
        return self.net_cost_usd - self.estimated_cost_usd


@dataclass(frozen=True)
class UnattributedBill:
    """What the bill leaves unattributed in a period, of one charge kind and for one reason."""

    charge_kind: str
    reason: str
    net_cost_usd: float

    @property
    def words(self) -> str:
        """token, no app in logs."""
        return f"{self.charge_kind.replace('_', ' ')}, {self.reason.replace('_', ' ')}"


@dataclass(frozen=True)
class BillPeriod:
    """One billing period: the waterfall from the estimate to the net bill, the reconciliation's status,
    where the bill knows more, and the chargeback (billed cost per app and team, and what stays
    unattributed). ``window``: the period's days in the bill marts. A list is None when its mart does
    not exist."""

    billing_period: dt.date
    window: Window
    steps: list[BillStep]
    status: BillStatus
    stale_prices: list[StalePrice] | None
    tag_differences: list[TagDifference] | None
    caller_differences: list[CallerDifference] | None
    apps: list[AppBill] | None = None
    unattributed: list[UnattributedBill] | None = None

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


def optional(read: Any) -> Any:
    """``read()``, or None when its relation is not in the warehouse (its mart is not built)."""
    try:
        return read()
    except MissingRelation:
        return None


def bill_periods(source: Any, window: Window) -> list[BillPeriod]:
    """Each billing period with data in ``window`` (a calendar month's), oldest first; none without
    the bill marts (models/reporting/bill/)."""
    warehouse = reader(source)
    periods = optional(lambda: warehouse.read(
        "rpt_bill_periods", where=[between("billing_period", window.first.replace(day=1), window.last.replace(day=1))],
        order_by=["billing_period"])) or []
    found = []
    for row in periods:
        period = as_date(row["billing_period"])
        first, last = as_date(row["first_usage_date"]), as_date(row["last_usage_date"])
        if period is None or first is None or last is None:
            continue  # a period without days: nothing to show
        steps = [BillStep(int(r["step_order"]), r["cause"], r["kind"], float(r["amount_usd"] or 0),
                          r["description"] or "", r.get("cause_label") or "", r.get("cause_short_label") or "",
                          bool(r.get("is_total")))
                 for r in warehouse.read("rpt_bill_waterfall", where=[equals("billing_period", period)],
                                         order_by=["step_order", "kind"])]
        status = BillStatus(as_date(row["bill_through_date"]), as_date(row["first_pending_date"]),
                            as_date(row["last_pending_date"]), *(int(row[f"{s}_count"]) for s in
                                                                 ("reconciled", "variance", "not_in_logs",
                                                                  "not_in_bill", "pending")))
        stale = optional(lambda period=period: [
            StalePrice(r["model_id"], as_date(r["stale_from_date"]))  # type: ignore[arg-type]
            for r in warehouse.read("rpt_bill_stale_prices", where=[equals("billing_period", period)],
                                    order_by=["stale_from_date", "model_id"])])
        tags = optional(lambda first=first, last=last: [
            TagDifference(r["profile_arn"], r["profile_name"], r["tag_key"], r["bill_value"], r["profile_map_value"],
                          r["status"])
            for r in warehouse.read("rpt_bill_tag_differences",
                                    where=[at_most("first_usage_date", last), at_least("last_usage_date", first)],
                                    order_by=["profile_name", "profile_arn", "tag_key"])])
        callers = optional(lambda period=period: [
            CallerDifference(r["caller_arn"], r["account_id"], r["status"], r["billed_cost_usd"],
                             r["estimated_cost_usd"])
            for r in warehouse.read("rpt_bill_caller_differences", where=[equals("billing_period", period)],
                                    order_by=["absolute_difference_usd desc", "caller_arn"])])
        apps = optional(lambda period=period: app_bills(warehouse.read(
            "rpt_bill_chargeback", CHARGEBACK_COLUMNS, where=[equals("billing_period", period)])))
        unattributed = optional(lambda period=period: [
            UnattributedBill(r["charge_kind"], r["unattributed_reason"] or "", float(r["net_cost_usd"] or 0))
            for r in warehouse.read("rpt_bill_unattributed", ["charge_kind", "unattributed_reason", "net_cost_usd"],
                                    where=[equals("billing_period", period)],
                                    order_by=["net_cost_usd desc", "charge_kind", "unattributed_reason"])])
        found.append(BillPeriod(period, Window(first, last), steps, status, stale, tags, callers, apps, unattributed))
    return found


CHARGEBACK_COLUMNS = ["app", "team", "cost_center", "estimated_cost_usd", "net_cost_usd", "shared_cost_usd",
                      "discount_usd", "credit_usd"]


def app_bills(rows: Sequence[Mapping[str, Any]]) -> list[AppBill]:
    """rpt_bill_chargeback's rows of a period, summed per app and team over accounts (cost centers named
    together), the biggest net cost first."""
    grouped: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in rows:
        grouped.setdefault((row["app"], row["team"]), []).append(row)

    def total(found: list[Mapping[str, Any]], column: str) -> float:
        return sum(float(r[column] or 0) for r in found)

    bills = [AppBill(app, team, ", ".join(sorted({str(r["cost_center"]) for r in found})),
                     total(found, "estimated_cost_usd"), total(found, "net_cost_usd"), total(found, "shared_cost_usd"),
                     total(found, "discount_usd") + total(found, "credit_usd"))
             for (app, team), found in grouped.items()]
    return sorted(bills, key=lambda b: (-b.net_cost_usd, b.app, b.team))


def bill_section(period: BillPeriod) -> str:
    """The waterfall as a table, then the reconciliation's status and the notes."""
    rows = [[c.label, c.amount_text, c.breakdown_text] for c in period.causes]
    lines = [period.status.line, " ".join(period.notes)]
    return (f"Bill versus estimate, {period.name}, {period.window}: {period.status.coverage}\n"
            + table(["step", "amount", "of which"], rows, {1}) + "".join(f"\n  {line}" for line in lines if line))


def chargeback_section(period: BillPeriod) -> str:
    """The invoice shared out: billed cost per app and team next to the estimate, and what stays
    unattributed, by kind and reason. Empty without the chargeback models or before anything is billed."""
    if not period.apps or period.status.bill_through_date is None:
        return ""
    billed = Window(period.window.first, min(period.window.last, period.status.bill_through_date))
    net = sum(a.net_cost_usd for a in period.apps)
    rows = [[a.app, a.team, a.cost_center, plain_money(a.estimated_cost_usd), plain_money(a.net_cost_usd),
             step_money(a.difference_usd), plain_money(a.shared_cost_usd), plain_money(a.credits_and_discounts_usd)]
            for a in period.apps]
    lines = [f"Billed cost by app and team, {period.name}, {billed}: the net bill {plain_money(net)}, "
             "every dollar allocated",
             table(["app", "team", "cost center", "estimate", "billed", "difference", "shared", "discounts"],
                   rows, {3, 4, 5, 6, 7})]
    shown = [u for u in period.unattributed or [] if round(u.net_cost_usd, 2) != 0]
    if shown:
        lines.append("  Unattributed on the bill: " + "; ".join(f"{u.words} {plain_money(u.net_cost_usd)}"
                                                                 for u in shown) + ".")
    lines.append(f"  For finance: bedrock-costs chargeback --period {period.name} (fct_bill_chargeback; docs/bill.md).")
    return "\n".join(lines)


def summary(source: Any, days: int | None, top: int) -> str:
    """The summary's sections, a blank line apart, and a warning line when any request has no price.
    ``source``: a Warehouse, or an open DuckDB connection. ``days``: the last N days of data; 0 or
    None for all of it."""
    warehouse = reader(source)
    data = figures.data_window(warehouse)
    if data is None:
        return "The marts are empty: no Bedrock invocations were found in the logs."
    window = data.last_days(days)
    apps, unpriced = app_section(warehouse, window)
    callers = figures.callers(warehouse, window)
    parts = [apps, role_section(callers, window), caller_section(callers, window, top),
             anomaly_section(warehouse), budget_section(warehouse)]
    for period in bill_periods(warehouse, window):
        parts.extend([bill_section(period), chargeback_section(period)])
    text = "\n\n".join(part for part in parts if part)
    if unpriced:
        text += f"\n\nWARNING: {unpriced:,} requests have no price: see the assert_all_tokens_priced test."
    return printable(text, keep_newlines=True)


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
    target_arguments(parser)
    parser.add_argument("--days", type=int, default=7, help="the last N days of data (default 7; 0 for all of it)")
    parser.add_argument("--top", type=int, default=8, help="callers to list (default 8)")
    parser.add_argument("--run-results", type=Path, help="first, one line about the dbt build that wrote this file")
    parser.add_argument("--which-database", action="store_true",
                        help="print the DuckDB file the local target builds and reads, and exit")
    parser.add_argument("--readme", type=Path, help="write the summary into this README's example block")
    parser.add_argument("--check", action="store_true", help="with --readme: only check that the block is current")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    if args.which_database:
        print(args.database or default_database())
        return 0
    if args.run_results:
        print(read_run_results(args.run_results) + "\n", flush=True)
    with open_warehouse(args.target, args.database, args.profiles_dir) as warehouse:
        if args.days < 0 or args.top < 1:
            raise InputError("--days takes 0 (all the data) or more, --top 1 or more")
        text = summary(warehouse, args.days, args.top)
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
