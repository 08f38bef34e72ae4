"""Export the report's sections as CSV, JSON or Parquet files, for a period.

    bedrock-costs export [--target local|trino|athena] [--database PATH] [--format csv|json|parquet]
                         [--out exports] [--section apps --section callers ...]
                         [--days N | --from 2026-11-01 --to 2026-11-30]
    bedrock-costs export --list          the sections and their columns

Each section is one file, <out>/<section>.<format>, with the figures the report shows for the period
(every row, not only the report's top ones) under column names that stay stable between releases
(docs/exports.md lists them). The period is --from to --to, or the last --days days of data, or by
default the report's window (fitted to the data). Sections whose marts are not built (the FinOps
marts, the bill without a CUR export) are skipped, and say so. It reads the dbt target, as the
report does: the DuckDB file by default, or --target trino / athena from profiles.yml.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bedrock_costs import budget_alerts, figures
from bedrock_costs.cli import command_parser, run_guarded, target_arguments
from bedrock_costs.errors import InputError, SetupError
from bedrock_costs.figures import Window, cached_share
from bedrock_costs.report.data import OPTIONAL_MARTS
from bedrock_costs.results import progress
from bedrock_costs.summary import bill_periods
from bedrock_costs.tables import table
from bedrock_costs.terminal import printable
from bedrock_costs.warehouse import MissingRelation, Warehouse, between, open_warehouse

FORMATS = ("csv", "json", "parquet")
DOCS_BEGIN = "<!-- BEGIN export sections: written from src/bedrock_costs/export.py, checked by tests/test_export.py -->"
DOCS_END = "<!-- END export sections -->"


@dataclass(frozen=True)
class Column:
    """A column of an export: its name (stable), its type (as Parquet stores it) and what it means."""

    name: str
    type: str  # VARCHAR, DATE, TIMESTAMP, BIGINT, DOUBLE, BOOLEAN
    description: str


def columns(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


PERIOD = (("period_start", "DATE", "First UTC day of the export's period."),
          ("period_end", "DATE", "Last UTC day of the export's period."))


@dataclass
class Context:
    """What the sections read from: the warehouse, the period, and the figures (read once)."""

    warehouse: Warehouse
    data: Window
    period: Window
    notes: list[str] = field(default_factory=list)

    @cached_property
    def figures(self) -> figures.Figures:
        return figures.figures(self.warehouse, self.data, self.period)

    def stamped(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each row with the period's first and last day in front."""
        return [{"period_start": self.period.first, "period_end": self.period.last, **row} for row in rows]


@dataclass(frozen=True)
class Section:
    """One export: a name, what it holds, its columns, and how its rows are read."""

    name: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[Context], list[dict[str, Any]]]


def totals(c: Context) -> list[dict[str, Any]]:
    h, compared = c.figures.headline, c.figures.comparison
    return c.stamped([{
        "request_count": h.request_count, "error_count": h.error_count,
        "unpriced_request_count": h.unpriced_request_count, "input_tokens": h.input_tokens,
        "output_tokens": h.output_tokens, "cache_read_input_tokens": h.cache_read_input_tokens,
        "cache_write_input_tokens": h.cache_write_input_tokens, "total_input_tokens": h.total_input_tokens,
        "total_tokens": h.total_tokens, "priced_cost_usd": h.priced_cost_usd, "total_cost_usd": h.total_cost_usd,
        "cached_input_share": h.cached_token_share, "unattributed_cost_usd": h.unattributed_cost_usd,
        "unattributed_direct_cost_usd": h.direct_cost_usd,
        "unattributed_unmapped_profile_cost_usd": h.unmapped_profile_cost_usd,
        "previous_period_start": compared.previous.first, "previous_period_end": compared.previous.last,
        "previous_priced_cost_usd": h.previous_priced_cost_usd}])


def daily(c: Context) -> list[dict[str, Any]]:
    return [{"usage_date": d.usage_date, "app": d.app, "cost_usd": d.cost_usd} for d in c.figures.apps.daily]


def apps(c: Context) -> list[dict[str, Any]]:
    return c.stamped([{"app": a.app, "team": a.team, "attribution_source": a.attribution_source,
                       "request_count": a.request_count, "total_tokens": a.total_tokens,
                       "unpriced_request_count": a.unpriced_request_count, "cost_usd": a.cost_usd,
                       "previous_cost_usd": a.previous_cost_usd} for a in c.figures.apps.app_teams])


def teams(c: Context) -> list[dict[str, Any]]:
    return c.stamped([{"team": t.team, "cost_center": t.cost_center, "apps": ", ".join(t.apps),
                       "request_count": t.request_count, "cost_usd": t.cost_usd,
                       "previous_cost_usd": t.previous_cost_usd} for t in c.figures.apps.teams])


def caller_row(caller: figures.CallerCost) -> dict[str, Any]:
    return {"caller_arn": caller.caller_arn, "caller_name": caller.caller_name, "caller_type": caller.caller_type,
            "caller_role": caller.caller_role, "caller_role_name": caller.caller_role_name,
            "account_id": caller.account_id, "apps": ", ".join(caller.apps), "request_count": caller.request_count,
            "unpriced_request_count": caller.unpriced_request_count,
            "cost_usd": caller.cost_usd if caller.priced else None, "profile_cost_usd": caller.profile_cost_usd,
            "unmapped_profile_cost_usd": caller.unmapped_profile_cost_usd, "direct_cost_usd": caller.direct_cost_usd}


def callers(c: Context) -> list[dict[str, Any]]:
    return c.stamped([caller_row(caller) for caller in c.figures.callers])


def roles(c: Context) -> list[dict[str, Any]]:
    return c.stamped([{"account_id": r.account_id, "caller_role_name": r.role_name, "caller_count": len(r.callers),
                       "apps": ", ".join(r.apps), "request_count": r.request_count, "cost_usd": r.cost_usd,
                       "direct_cost_usd": r.direct_cost_usd} for r in c.figures.roles])


def unattributed(c: Context) -> list[dict[str, Any]]:
    return c.stamped([{"caller_arn": u.caller_arn, "caller_name": u.caller_name,
                       "caller_role_name": u.caller_role_name, "account_id": u.account_id,
                       "request_count": u.request_count, "cost_usd": u.cost_usd, "direct_cost_usd": u.direct_cost_usd,
                       "unmapped_profile_cost_usd": u.unmapped_profile_cost_usd}
                      for u in c.figures.unattributed_callers])


def models(c: Context) -> list[dict[str, Any]]:
    return c.stamped([{"model_id": m.model_id, "request_count": m.request_count, "cost_usd": m.cost_usd,
                       "total_tokens": m.total_tokens, "cache_read_input_tokens": m.cache_read_input_tokens,
                       "total_input_tokens": m.total_input_tokens, "cached_input_share": m.cached_token_share,
                       "cost_per_1m_tokens_usd": m.cost_per_1m_tokens_usd} for m in c.figures.models])


def cache(c: Context) -> list[dict[str, Any]]:
    return c.stamped([{"app": a.app, "cost_usd": a.cost_usd, "cache_read_input_tokens": a.cache_read_input_tokens,
                       "total_input_tokens": a.total_input_tokens, "cached_input_share": a.cached_token_share}
                      for a in c.figures.apps.cache_by_app])


BUDGET_FIELDS = ("app", "month_start_date", "through_date", "monthly_budget_usd", "mtd_cost_usd", "pct_of_budget",
                 "trailing_7d_forecast_usd", "forecast_pct_of_budget", "projected_exceed_date", "budget_status")


def budgets(c: Context) -> list[dict[str, Any]]:
    found = []
    for row in budget_alerts.read_rows(c.warehouse):
        alert = budget_alerts.alert_of(row)
        found.append({**{name: getattr(row, name) for name in BUDGET_FIELDS},
                      "alert_kind": alert.kind if alert else None,
                      "alert_threshold_pct": alert.threshold_pct if alert else None})
    return found


def whole(relation: str, names: Sequence[str], order_by: Sequence[str], period_column: str = "") -> Callable[
        [Context], list[dict[str, Any]]]:
    """Every row of a mart or reporting model (with ``period_column``, those of the period's days)."""
    def read(c: Context) -> list[dict[str, Any]]:
        where = [between(period_column, c.period.first, c.period.last)] if period_column else []
        return c.warehouse.read(relation, names, where, order_by)
    return read


def cache_economics(c: Context) -> list[dict[str, Any]]:
    names = [col.name for col in SECTIONS["cache_economics"].columns if col.name != "cached_input_share"]
    rows = c.warehouse.read("rpt_app_cache_economics", names, order_by=["app"])
    return [{**row, "cached_input_share": cached_share(row["cache_read_input_tokens"], row["total_input_tokens"])}
            for row in rows]


def bill(c: Context) -> list[Any]:
    """The billing periods in the period; MissingRelation without the bill models (no CUR export)."""
    c.warehouse.read("rpt_bill_periods", ["billing_period"], limit=1)
    return bill_periods(c.warehouse, c.period)


def bill_waterfall(c: Context) -> list[dict[str, Any]]:
    return [{"billing_period": b.billing_period, "step_order": s.step_order, "cause": s.cause, "kind": s.kind,
             "amount_usd": s.amount_usd, "description": s.description}
            for b in bill(c) for s in b.steps]


def bill_status(c: Context) -> list[dict[str, Any]]:
    return [{"billing_period": b.billing_period, "first_usage_date": b.window.first, "last_usage_date": b.window.last,
             "bill_through_date": b.status.bill_through_date, "first_pending_date": b.status.first_pending_date,
             "last_pending_date": b.status.last_pending_date, "reconciled_count": b.status.reconciled,
             "variance_count": b.status.variance, "not_in_logs_count": b.status.not_in_logs,
             "not_in_bill_count": b.status.not_in_bill, "pending_count": b.status.pending}
            for b in bill(c)]


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def chargeback(c: Context) -> list[dict[str, Any]]:
    """The billing periods in the period, every account, cost center, team and app (rpt_bill_chargeback)."""
    names = [col.name for col in SECTIONS["chargeback"].columns]
    return c.warehouse.read("rpt_bill_chargeback", names,
                            [between("billing_period", first_of_month(c.period.first), c.period.last)],
                            ["billing_period", "account_id", "cost_center", "team", "app"])


def bill_unattributed(c: Context) -> list[dict[str, Any]]:
    names = [col.name for col in SECTIONS["bill_unattributed"].columns]
    return c.warehouse.read("rpt_bill_unattributed", names,
                            [between("billing_period", first_of_month(c.period.first), c.period.last)],
                            ["billing_period", "net_cost_usd desc", "charge_kind", "unattributed_reason"])


SHARED_KINDS = (
    ("provisioned_throughput", "Provisioned throughput: each hour by the tokens of the calls through the provisioned "
                               "model, an idle hour to its owner."),
    ("batch", "Batch inference."), ("mantle", "bedrock-mantle traffic."),
    ("claude_platform", "Claude Platform on AWS."),
    ("guardrails", "Guardrails."), ("knowledge_bases", "Knowledge Bases."), ("flows", "Flows."),
    ("agentcore", "AgentCore."), ("data_automation", "Data Automation."), ("evaluations", "Model evaluations."),
    ("customization", "Fine-tuning, custom model import and storage."),
    ("other_non_token", "Images, video, speech, storage and the other non-token charges."),
    ("unclassified", "Lines no rule classifies."), ("tax", "Tax, in proportion to the pre-tax charge."))

COST = "Cost at list price of the calls that have a price, USD"
ANOMALY_COLUMNS = [*OPTIONAL_MARTS["fct_cost_anomalies"].columns, "usage_date"]
SAVINGS_COLUMNS = ["app", "team", "model_id", "price_scope", "geography", "request_count", "current_list_cost_usd",
                   "alternative_kind", "alternative_model_id", "alternative_price_scope", "alternative_note",
                   "alternative_cost_usd", "saving_usd", "saving_pct", "option_rank", "option_count",
                   "window_start_date", "window_end_date"]

# The sections, in the report's order; a new one is one more entry.
SECTIONS: dict[str, Section] = {s.name: s for s in (
    Section("totals", "The period's headline: one row.", columns(
        *PERIOD, ("request_count", "BIGINT", "Invocations, failed ones included."),
        ("error_count", "BIGINT", "Invocations that carried an errorCode."),
        ("unpriced_request_count", "BIGINT", "Invocations with no price (left out of every cost)."),
        ("input_tokens", "BIGINT", "Uncached input tokens."), ("output_tokens", "BIGINT", "Output tokens."),
        ("cache_read_input_tokens", "BIGINT", "Input tokens read from the prompt cache."),
        ("cache_write_input_tokens", "BIGINT", "Input tokens written to the prompt cache."),
        ("total_input_tokens", "BIGINT", "Uncached input, cache reads and cache writes."),
        ("total_tokens", "BIGINT", "All four token kinds."),
        ("priced_cost_usd", "DOUBLE", COST + "."),
        ("total_cost_usd", "DOUBLE", "priced_cost_usd when every call has a price, else empty."),
        ("cached_input_share", "DOUBLE", "cache_read_input_tokens / total_input_tokens, 0 to 1."),
        ("unattributed_cost_usd", "DOUBLE", "Cost of the app `unattributed`."),
        ("unattributed_direct_cost_usd", "DOUBLE", "Of it, direct calls with a model id."),
        ("unattributed_unmapped_profile_cost_usd", "DOUBLE", "Of it, calls through profiles missing from "
                                                               "profile_map.csv."),
        ("previous_period_start", "DATE", "First day of the period of the same length before."),
        ("previous_period_end", "DATE", "Last day of the period before."),
        ("previous_priced_cost_usd", "DOUBLE", "priced_cost_usd of the period before; empty when the data does "
                                               "not cover all of it.")), totals),
    Section("daily", "Cost per UTC day and app.", columns(
        ("usage_date", "DATE", "UTC day."), ("app", "VARCHAR", "The app."),
        ("cost_usd", "DOUBLE", COST + ".")), daily),
    Section("apps", "Cost per app, team and attribution source, and the period before.", columns(
        *PERIOD, ("app", "VARCHAR", "The app (a mapped profile's tag, a trusted gateway's app, or `unattributed`)."),
        ("team", "VARCHAR", "The team, by the same precedence."),
        ("attribution_source", "VARCHAR", "`profile`, `request_metadata` or `unattributed`."),
        ("request_count", "BIGINT", "Invocations."), ("total_tokens", "BIGINT", "All four token kinds."),
        ("unpriced_request_count", "BIGINT", "Invocations with no price."),
        ("cost_usd", "DOUBLE", COST + "; empty when none has one."),
        ("previous_cost_usd", "DOUBLE", "The same in the period before; empty when the data does not cover it.")),
        apps),
    Section("teams", "Cost per team and cost center, and the period before.", columns(
        *PERIOD, ("team", "VARCHAR", "The team."), ("cost_center", "VARCHAR", "The cost center; empty when unknown."),
        ("apps", "VARCHAR", "Its apps in the period, comma-separated."), ("request_count", "BIGINT", "Invocations."),
        ("cost_usd", "DOUBLE", COST + "."),
        ("previous_cost_usd", "DOUBLE", "The same in the period before; empty when the data does not cover it.")),
        teams),
    Section("callers", "Every IAM caller of the period, split by how it called.", columns(
        *PERIOD, ("caller_arn", "VARCHAR", "The caller's IAM identity ARN."),
        ("caller_name", "VARCHAR", "The session, user or role name."),
        ("caller_type", "VARCHAR", "`assumed_role`, `sso_user`, `iam_user`, `federated`, `root`, ..."),
        ("caller_role", "VARCHAR", "The role behind a session, as in the ARN."),
        ("caller_role_name", "VARCHAR", "The role as a person reads it (SSO suffix dropped; `(iam user)` without "
                                        "a role)."),
        ("account_id", "VARCHAR", "The caller's account."),
        ("apps", "VARCHAR", "The apps its spend went to, biggest first, comma-separated."),
        ("request_count", "BIGINT", "Invocations."), ("unpriced_request_count", "BIGINT", "Invocations with no price."),
        ("cost_usd", "DOUBLE", COST + "; empty when none has one."),
        ("profile_cost_usd", "DOUBLE", "Of it, through mapped application profiles."),
        ("unmapped_profile_cost_usd", "DOUBLE", "Of it, through profiles missing from profile_map.csv."),
        ("direct_cost_usd", "DOUBLE", "Of it, direct calls with a model id.")), callers),
    Section("roles", "The callers grouped by role and account.", columns(
        *PERIOD, ("account_id", "VARCHAR", "The account."),
        ("caller_role_name", "VARCHAR", "The role as a person reads it."),
        ("caller_count", "BIGINT", "Its sessions (or users) in the period."),
        ("apps", "VARCHAR", "The apps their spend went to, comma-separated."),
        ("request_count", "BIGINT", "Invocations."), ("cost_usd", "DOUBLE", COST + "."),
        ("direct_cost_usd", "DOUBLE", "Of it, direct calls with a model id.")), roles),
    Section("unattributed", "The callers behind the app `unattributed`, its spend only.", columns(
        *PERIOD, ("caller_arn", "VARCHAR", "The caller's IAM identity ARN."),
        ("caller_name", "VARCHAR", "The session, user or role name."),
        ("caller_role_name", "VARCHAR", "The role as a person reads it."), ("account_id", "VARCHAR", "The account."),
        ("request_count", "BIGINT", "Invocations."), ("cost_usd", "DOUBLE", COST + "."),
        ("direct_cost_usd", "DOUBLE", "Of it, calls with a known model (direct)."),
        ("unmapped_profile_cost_usd", "DOUBLE", "Of it, calls through profiles missing from profile_map.csv.")),
        unattributed),
    Section("models", "Cost, tokens and cache share per model.", columns(
        *PERIOD, ("model_id", "VARCHAR", "Canonical model id; empty for an unmapped profile's calls."),
        ("request_count", "BIGINT", "Invocations."), ("cost_usd", "DOUBLE", COST + "."),
        ("total_tokens", "BIGINT", "All four token kinds."),
        ("cache_read_input_tokens", "BIGINT", "Input tokens read from the prompt cache."),
        ("total_input_tokens", "BIGINT", "Uncached input, cache reads and cache writes."),
        ("cached_input_share", "DOUBLE", "cache_read_input_tokens / total_input_tokens."),
        ("cost_per_1m_tokens_usd", "DOUBLE", "cost_usd per million tokens of all kinds.")), models),
    Section("cache", "The prompt cache's share of each app's input tokens.", columns(
        *PERIOD, ("app", "VARCHAR", "The app."), ("cost_usd", "DOUBLE", COST + "."),
        ("cache_read_input_tokens", "BIGINT", "Input tokens read from the prompt cache."),
        ("total_input_tokens", "BIGINT", "Uncached input, cache reads and cache writes."),
        ("cached_input_share", "DOUBLE", "cache_read_input_tokens / total_input_tokens.")), cache),
    Section("budgets", "Each app's as-of month against its budget (fct_app_budget_status), with the alert "
                       "`budget-alerts` gives it. Not the period's: the latest month to date.", columns(
        ("app", "VARCHAR", "The app."), ("month_start_date", "DATE", "First day of the month."),
        ("through_date", "DATE", "The as-of date."), ("monthly_budget_usd", "DOUBLE", "The budget; empty without one."),
        ("mtd_cost_usd", "DOUBLE", "Spent this month."), ("pct_of_budget", "DOUBLE", "mtd_cost_usd as % of budget."),
        ("trailing_7d_forecast_usd", "DOUBLE", "Month-end forecast at the trailing 7-day rate."),
        ("forecast_pct_of_budget", "DOUBLE", "The forecast as % of budget."),
        ("projected_exceed_date", "DATE", "The day the budget was or will be passed; empty when not this month."),
        ("budget_status", "VARCHAR", "`over_budget`, `over_threshold`, `forecast_over_budget`, `on_track`, "
                                     "`no_budget`."),
        ("alert_kind", "VARCHAR", "`actual` (budget-alerts alerts), `forecast` (with --forecast), or empty."),
        ("alert_threshold_pct", "DOUBLE", "The threshold the alert is at.")), budgets),
    Section("anomalies", "The cost anomalies that started in the period (fct_cost_anomalies).", columns(
        ("started_at", "TIMESTAMP", "Start of the anomaly, UTC."),
        ("anomaly_type", "VARCHAR", "`spend_spike` or `new_spender`."),
        ("dimension", "VARCHAR", "`app` or `caller`."), ("entity_name", "VARCHAR", "Which app or caller."),
        ("model_id", "VARCHAR", "The model, for a new spender."), ("hour_count", "BIGINT", "Hours it lasted."),
        ("cost_usd", "DOUBLE", "Its cost."), ("expected_cost_usd", "DOUBLE", "The usual cost for those hours."),
        ("spend_ratio", "DOUBLE", "cost_usd / expected_cost_usd."), ("description", "VARCHAR", "In words."),
        ("usage_date", "DATE", "UTC day it started.")),
        whole("fct_cost_anomalies", ANOMALY_COLUMNS, ["started_at", "cost_usd desc"], "usage_date")),
    Section("savings", "Cheaper models or routing for each spend (rpt_model_savings). The options of one spend "
                       "are alternatives: add up option_rank 1 only. The mart's own window.", columns(
        ("app", "VARCHAR", "The app."), ("team", "VARCHAR", "The team."), ("model_id", "VARCHAR", "The model used."),
        ("price_scope", "VARCHAR", "`global`, `geo` or `in_region`."),
        ("geography", "VARCHAR", "Where the traffic is processed."),
        ("request_count", "BIGINT", "Invocations of the spend."),
        ("current_list_cost_usd", "DOUBLE", "The spend at the current list price."),
        ("alternative_kind", "VARCHAR", "`substitute_model` or `global_routing`."),
        ("alternative_model_id", "VARCHAR", "The alternative's model."),
        ("alternative_price_scope", "VARCHAR", "The alternative's scope."),
        ("alternative_note", "VARCHAR", "What it means."),
        ("alternative_cost_usd", "DOUBLE", "The spend at the alternative's list price."),
        ("saving_usd", "DOUBLE", "current_list_cost_usd - alternative_cost_usd."),
        ("saving_pct", "DOUBLE", "The saving in % of current_list_cost_usd."),
        ("option_rank", "BIGINT", "1 for the spend's biggest saving."),
        ("option_count", "BIGINT", "The spend's alternatives."),
        ("window_start_date", "DATE", "First day the mart prices."),
        ("window_end_date", "DATE", "Last day (the as-of date).")),
        whole("rpt_model_savings", SAVINGS_COLUMNS, ["app", "team", "model_id", "price_scope", "geography",
                                                     "option_rank"])),
    Section("cache_economics", "Does the prompt cache pay back, per app (rpt_app_cache_economics). The mart's own "
                               "window.", columns(
        ("app", "VARCHAR", "The app."), ("cache_read_input_tokens", "BIGINT", "Cache-read tokens."),
        ("cache_write_input_tokens", "BIGINT", "Cache-write tokens."),
        ("total_input_tokens", "BIGINT", "Uncached input, cache reads and cache writes."),
        ("reads_per_write_token", "DOUBLE", "Cache-read tokens per cache-write token."),
        ("cache_read_savings_usd", "DOUBLE", "What reads saved against the input price."),
        ("cache_write_premium_usd", "DOUBLE", "What writes cost above the input price."),
        ("net_cache_savings_usd", "DOUBLE", "Savings minus premium."),
        ("cache_status", "VARCHAR", "`pays_back`, `never_pays_back`, `not_used` or `unpriced`."),
        ("window_start_date", "DATE", "First day the mart prices."),
        ("window_end_date", "DATE", "Last day (the as-of date)."),
        ("cached_input_share", "DOUBLE", "cache_read_input_tokens / total_input_tokens.")), cache_economics),
    Section("bill_waterfall", "With a CUR 2.0 export: each billing period in the period, from the log estimate "
                              "to the net bill, one row per cause and kind.", columns(
        ("billing_period", "DATE", "First day of the billing period."),
        ("step_order", "BIGINT", "The step's place, estimate first, net bill last."),
        ("cause", "VARCHAR", "The cause (fct_bill_variance_by_cause.cause)."), ("kind", "VARCHAR", "Its part."),
        ("amount_usd", "DOUBLE", "The amount, summed over accounts."), ("description", "VARCHAR", "In words.")),
        bill_waterfall),
    Section("bill_status", "With a CUR 2.0 export: each billing period's days and reconciliation cells by "
                           "status.", columns(
        ("billing_period", "DATE", "First day of the billing period."),
        ("first_usage_date", "DATE", "Its first day in the bill marts."), ("last_usage_date", "DATE", "Its last day."),
        ("bill_through_date", "DATE", "The last day the bill covers."),
        ("first_pending_date", "DATE", "First day not billed yet."), ("last_pending_date", "DATE", "Last one."),
        ("reconciled_count", "BIGINT", "Cells within the tolerance."), ("variance_count", "BIGINT", "Cells beyond it."),
        ("not_in_logs_count", "BIGINT", "Cells only the bill has."),
        ("not_in_bill_count", "BIGINT", "Cells only the logs have."),
        ("pending_count", "BIGINT", "Cells of days not billed yet.")), bill_status),
    Section("chargeback", "With a CUR 2.0 export: the monthly chargeback of each billing period in the period, "
                          "per account, cost center, team and app: the invoice, every billed dollar allocated "
                          "(docs/bill.md). Per period and account it sums to the net bill. `bedrock-costs "
                          "chargeback --period YYYY-MM` writes one period.", columns(
        ("billing_period", "DATE", "First day of the billing period."), ("account_id", "VARCHAR", "The usage account."),
        ("cost_center", "VARCHAR", "The cost center (`unattributed` when nothing names one)."),
        ("team", "VARCHAR", "The team."), ("app", "VARCHAR", "The app (`unattributed`: see bill_unattributed)."),
        ("estimated_cost_usd", "DOUBLE", "The logs' list-price estimate of the billed days."),
        ("net_cost_usd", "DOUBLE", "What the invoice charges, after discounts, credits and refunds, tax included."),
        ("difference_usd", "DOUBLE", "net_cost_usd - estimated_cost_usd."),
        ("billed_cost_usd", "DOUBLE", "Gross charges: token_usd + shared_cost_usd."),
        ("discount_usd", "DOUBLE", "Discounts (negative)."),
        ("credit_usd", "DOUBLE", "Credits and refunds (negative)."),
        ("token_usd", "DOUBLE", "The gross of the app's own on-demand tokens."),
        ("shared_cost_usd", "DOUBLE", "The gross of every other kind (the columns below)."),
        *((f"{kind}_usd", "DOUBLE", words) for kind, words in SHARED_KINDS)), chargeback),
    Section("bill_unattributed", "With a CUR 2.0 export: what each billing period in the period leaves unattributed, "
                                 "by charge kind and reason.", columns(
        ("billing_period", "DATE", "First day of the billing period."),
        ("charge_kind", "VARCHAR", "The bill line's kind (token, batch, tax, ...)."),
        ("unattributed_reason", "VARCHAR", "`no_app_in_logs`, `not_in_logs`, `no_owner`, `unclassified`, "
                                           "`no_usage_to_share` or `no_usage_to_follow` (docs/bill.md)."),
        ("billed_cost_usd", "DOUBLE", "Its gross charges."), ("net_cost_usd", "DOUBLE", "Its net cost."),
        ("estimated_cost_usd", "DOUBLE", "The logs' estimate of it (token usage only).")), bill_unattributed),
)}


# ---------------------------------------------------------------------------------------------
# Writing.


def cell(value: Any) -> Any:
    """A value for JSON or CSV: dates and times in ISO 8601, the rest as it is."""
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def write_csv(path: Path, section: Section, rows: Sequence[dict[str, Any]]) -> None:
    names = [c.name for c in section.columns]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows([["" if row.get(n) is None else cell(row.get(n)) for n in names] for row in rows])


def write_json(path: Path, section: Section, rows: Sequence[dict[str, Any]]) -> None:
    names = [c.name for c in section.columns]
    path.write_text(json.dumps([{n: cell(row.get(n)) for n in names} for row in rows], indent=1) + "\n",
                    encoding="utf-8")


def write_parquet(path: Path, section: Section, rows: Sequence[dict[str, Any]]) -> None:
    """Through an in-memory DuckDB (a dependency already): the declared types, not guessed ones."""
    import duckdb

    names = [c.name for c in section.columns]
    with duckdb.connect() as con:
        con.execute("create table export_rows (" + ", ".join(f'"{c.name}" {c.type}' for c in section.columns) + ")")
        if rows:
            con.executemany(f"insert into export_rows values ({', '.join('?' for _ in names)})",
                            [[row.get(n) for n in names] for row in rows])
        con.execute("copy export_rows to ? (format parquet)", [str(path)])


WRITERS = {"csv": write_csv, "json": write_json, "parquet": write_parquet}


def export(warehouse: Warehouse, data: Window, period: Window, names: Sequence[str], out: Path,
           fmt: str, suffix: str = "") -> list[tuple[str, Path | None, int | str]]:
    """Write each section to ``out`` (``<section><suffix>.<fmt>``); (section, path or None when skipped,
    rows or why skipped)."""
    context = Context(warehouse, data, period)
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[str, Path | None, int | str]] = []
    for name in names:
        section = SECTIONS[name]
        progress(f"reading {name}")
        try:
            rows = section.rows(context)
        except (MissingRelation, SetupError) as error:
            if not isinstance(error, MissingRelation) and error.code != "NoBudgetMart":
                raise
            written.append((name, None, "not built in this warehouse"))
            continue
        path = out / f"{name}{suffix}.{fmt}"
        WRITERS[fmt](path, section, rows)
        written.append((name, path, len(rows)))
    return written


def markdown() -> str:
    """docs/exports.md's reference: one table of columns per section."""
    parts = []
    for section in SECTIONS.values():
        rows = "\n".join(f"| `{c.name}` | {c.type} | {c.description} |" for c in section.columns)
        parts.append(f"### `{section.name}`\n\n{section.description}\n\n| column | type | meaning |\n|---|---|---|\n"
                     f"{rows}")
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------------------------
# The command.


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = command_parser("export", __doc__, with_common=False)
    target_arguments(parser)
    parser.add_argument("--section", action="append", dest="sections", choices=list(SECTIONS), metavar="SECTION",
                        help=f"a section to export, repeatable (default: all; {', '.join(SECTIONS)})")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="csv (default), json or parquet")
    parser.add_argument("--out", type=Path, default=Path("exports"), help="the folder to write into (default exports)")
    parser.add_argument("--days", type=int, help="the last N days of data (0 for all of it)")
    parser.add_argument("--from", dest="first", type=dt.date.fromisoformat, help="the period's first UTC day")
    parser.add_argument("--to", dest="last", type=dt.date.fromisoformat, help="the period's last UTC day")
    parser.add_argument("--list", action="store_true", help="list the sections and their columns, and exit")
    return parser.parse_args(argv)


def period_of(args: argparse.Namespace, data: Window) -> Window:
    """--from/--to (each defaulting to the data's edge), else --days, else the report's fitted window."""
    if args.first or args.last:
        if args.days is not None:
            raise InputError("give --days or --from/--to, not both")
        period = Window(args.first or data.first, args.last or data.last)
        if period.first > period.last:
            raise InputError(f"--from {period.first} is after --to {period.last}")
        return period
    if args.days is not None and args.days < 0:
        raise InputError("--days takes 0 (all the data) or more")
    return data.last_days(figures.fitting_days(data) if args.days is None else args.days)


def run(args: argparse.Namespace) -> int:
    if args.list:
        for section in SECTIONS.values():
            print(f"{section.name}: {section.description}\n  " + ", ".join(c.name for c in section.columns))
        return 0
    with open_warehouse(args.target, args.database, args.profiles_dir) as warehouse:
        data = figures.data_window(warehouse)
        if data is None:
            raise SetupError("EmptyMarts", "the marts are empty: no Bedrock invocations were found in the logs")
        period = period_of(args, data)
        written = export(warehouse, data, period, args.sections or list(SECTIONS), args.out, args.format)
    print(f"Exported {period} from {printable(warehouse)}:")
    print(table(["section", "file", "rows"], [[name, path or "-", rows] for name, path, rows in written], {2}))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))
