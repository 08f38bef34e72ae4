"""Print the `make run` summary: cost by app and team, the top callers, and any anomalies and budget alerts.

    bedrock-costs summary [--database PATH] [--days 7] [--top 8] [--run-results target/run_results.json]
    bedrock-costs summary --which-database          the database `make run` builds (see default_database)
    bedrock-costs summary --readme README.md [--check]

Every section names its window. ``--run-results`` first prints one line about the dbt build that
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
