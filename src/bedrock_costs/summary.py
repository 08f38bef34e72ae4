"""Print the `make run` summary: cost by app for the last days, and the top callers.

    bedrock-costs summary [--database bedrock_costs.duckdb] [--days 7] [--top 8]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import duckdb

from bedrock_costs.cli import command_parser, run_guarded
from bedrock_costs.errors import SetupError
from bedrock_costs.tables import money, table

APP_SQL = """
with last_days as (
    select * from fct_daily_app_cost
    where usage_date > (select max(usage_date) from fct_daily_app_cost) - {days}
)
select
    app,
    team,
    sum(request_count) as requests,
    sum(input_tokens + output_tokens + cache_read_input_tokens + cache_write_input_tokens) as tokens,
    sum(cost_usd) as cost_usd,
    sum(unpriced_request_count) as unpriced
from last_days
group by app, team
order by cost_usd desc nulls last
"""

CALLER_SQL = """
with last_days as (
    select * from fct_daily_caller_cost
    where usage_date > (select max(usage_date) from fct_daily_caller_cost) - {days}
)
select
    caller_name,
    caller_type,
    string_agg(distinct attribution_status, '+' order by attribution_status) as via,
    sum(request_count) as requests,
    sum(cost_usd) as cost_usd
from last_days
group by caller_name, caller_type
order by cost_usd desc nulls last
limit {top}
"""

PERIOD_SQL = (
    "select min(usage_date), max(usage_date) from fct_daily_app_cost"
    " where usage_date > (select max(usage_date) from fct_daily_app_cost) - {days}"
)


def summary(con: duckdb.DuckDBPyConnection, days: int, top: int) -> str:
    """The two tables, with a heading each, and a warning line when any request has no price."""
    first, last = con.sql(PERIOD_SQL.format(days=days)).fetchone() or (None, None)
    apps = con.sql(APP_SQL.format(days=days)).fetchall()
    callers = con.sql(CALLER_SQL.format(days=days, top=top)).fetchall()
    total = sum(r[4] or 0 for r in apps)
    app_rows = [[a, t, f"{q:,}", f"{k:,}", money(c), f"{c / total:.0%}" if c and total else ""]
                for a, t, q, k, c, _ in apps]
    caller_rows = [[n, ty, via, f"{q:,}", money(c)] for n, ty, via, q, c in callers]
    unpriced = sum(r[5] for r in apps)
    parts = [
        f"Bedrock cost by app, {first} to {last} (UTC), total {money(total)}",
        table(["app", "team", "requests", "tokens", "cost", "share"], app_rows, {2, 3, 4, 5}),
        "",
        f"Top {top} callers, same days",
        table(["caller", "type", "via", "requests", "cost"], caller_rows, {3, 4}),
    ]
    if unpriced:
        parts.append(f"\nWARNING: {unpriced:,} requests have no price: see the assert_all_tokens_priced test.")
    return "\n".join(parts)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = command_parser("summary", __doc__, with_common=False)
    parser.add_argument("--database", type=Path,
                        default=Path(os.environ.get("DBT_DUCKDB_PATH", "bedrock_costs.duckdb")))
    parser.add_argument("--days", type=int, default=7, help="last N days of data (default 7)")
    parser.add_argument("--top", type=int, default=8, help="callers to list (default 8)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    if not args.database.exists():
        raise SetupError("NoDatabase", f"{args.database} does not exist; run `make run` first")
    with duckdb.connect(str(args.database), read_only=True) as con:
        print(summary(con, args.days, args.top))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))
