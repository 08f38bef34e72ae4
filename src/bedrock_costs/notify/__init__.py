"""Alerts to the people who spend: what is new since the last run, to Slack, Teams, e-mail, a webhook or SNS.

    bedrock-costs notify [--target local|trino|athena | --database F] [--dry-run]
        [--kind budget --kind spend_spike ...] [--report-url https://reports.example.com/cost_report.html]
        [--profile P] [--region R]

Run it after `dbt build`, on the same schedule (examples/cron.txt, examples/github-actions/). It reads
the alerts of now through the one reader (rpt_alert_candidates: spend spikes, new expensive spenders,
unpriced models, unmapped profiles, log files cut short or malformed, bill differences; and the budgets
over a threshold or forecast to be, by budget-alerts' rule), routes each by seeds/alert_routes.csv (by
kind, team, app and cost center, with a default route), and sends each route one message of what is new
for it: an alert once, again only when it gets worse (a budget's higher threshold), and one resolution
when it clears. What was sent is kept in the table alert_deliveries, in the dbt target's schema (DuckDB,
Trino's Iceberg catalog, Athena's Iceberg), so a new container does not repeat it.

Webhook URLs and SMTP passwords come from environment variables or AWS Secrets Manager, named in the
seed (secret_ref), and are never printed: not in this output, an ERROR line, a log or the state. A
channel that fails is an ERROR [Type] line naming its route; the other routes are still sent, and the
failed one is tried again on the next run. --dry-run prints each route's message and sends and records
nothing. docs/alerts.md has the channels, the routing seed and the state.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from bedrock_costs import figures
from bedrock_costs.cli import ExitCode, command_parser, print_error, run_guarded, target_arguments
from bedrock_costs.errors import InputError
from bedrock_costs.notify import channels, state
from bedrock_costs.notify.alerts import KINDS, read_alerts
from bedrock_costs.notify.messages import headline, plain_text, sorted_alerts
from bedrock_costs.notify.routes import SECRET_REF, Route, read_routes, route_alerts
from bedrock_costs.notify.secrets import Secrets
from bedrock_costs.results import progress
from bedrock_costs.terminal import printable
from bedrock_costs.warehouse import IDENTIFIER, Warehouse, open_warehouse

if TYPE_CHECKING:
    import boto3

REPORT_URL_ENV = "BEDROCK_COSTS_REPORT_URL"
EXIT_CODES: dict[int, str] = {
    ExitCode.OK: "every route was sent what was new for it (or nothing was new)",
    ExitCode.FAILED: "a step failed (an ERROR line says which): the alerts, the routes or the state could not be "
                     "read or written; nothing was sent",
    ExitCode.USAGE: "bad input: an unknown --kind, or a route of seeds/alert_routes.csv that is not valid; nothing "
                    "was sent",
    ExitCode.DELIVERY_FAILED: "a channel failed (an ERROR line per route): the other routes were sent, and the next "
                              "run tries the failed ones again",
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("notify", __doc__, exit_codes=EXIT_CODES)
    target_arguments(parser)
    parser.add_argument("--kind", action="append", choices=KINDS, metavar="KIND",
                        help=f"only these kinds (repeatable; default all): {', '.join(KINDS)}")
    parser.add_argument("--report-url", help=f"the HTML report's address, for links to its sections "
                                             f"(default ${REPORT_URL_ENV})")
    parser.add_argument("--state-table", default=state.TABLE,
                        help=f"the state table, in the target's schema (default {state.TABLE})")
    return parser.parse_args(argv)


def check_args(args: argparse.Namespace) -> None:
    if not IDENTIFIER.fullmatch(args.state_table):
        raise InputError(f"--state-table {args.state_table!r} is not a plain identifier")
    url = args.report_url or os.environ.get(REPORT_URL_ENV) or ""
    if url and not url.lower().startswith(("https://", "http://", "file://")):
        raise InputError(f"--report-url {url!r} is not an http(s) or file URL")


class Session:
    """The AWS session, made the first time something needs it (SES, SNS, Secrets Manager)."""

    def __init__(self, profile: str | None, region: str | None) -> None:
        self.profile, self.region = profile, region
        self._session: boto3.Session | None = None

    def __call__(self) -> boto3.Session:
        if self._session is None:
            from bedrock_costs.aws import make_session

            self._session = make_session(self.profile, self.region)
        return self._session


def unset_secrets(routes: Sequence[Route], environ: Mapping[str, str]) -> list[str]:
    """The env: references whose variable is not set (a dry run says so; Secrets Manager is not asked)."""
    found = []
    for route in routes:
        match = SECRET_REF.fullmatch(route.secret_ref or "")
        if match and match["env"] and not environ.get(match["env"], "").strip():
            found.append(f"{route.name}: {route.secret_ref}")
    return found


def run(args: argparse.Namespace) -> int:
    check_args(args)
    kinds = tuple(args.kind or KINDS)
    report_url = args.report_url or os.environ.get(REPORT_URL_ENV) or None
    session = Session(args.profile, args.region)
    secrets = Secrets(session)

    def say(text: str) -> None:
        print(printable(secrets.redact(text), keep_newlines=True))

    with open_warehouse(args.target, args.database, args.profiles_dir, writable=not args.dry_run) as warehouse:
        progress(f"reading the alerts, the routes and the state from {warehouse}")
        routes = read_routes(warehouse)
        alerts = sorted_alerts(read_alerts(warehouse, kinds))
        window = figures.data_window(warehouse)
        as_of = window.last if window else None
        sent = {pair: row for pair, row in state.read_state(warehouse, args.state_table).items()
                if row.alert_kind in kinds}
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        run_id = f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"
        plan = state.plan(alerts, route_alerts(alerts, routes), routes, sent, as_of, now, run_id, headline,
                          report_url)
        new = sum(len(p.message.alerts) for p in plan.routes)
        resolved = sum(len(p.message.resolved) for p in plan.routes)
        say(f"notify: {len(alerts)} alert(s) now{f' (data through {as_of})' if as_of else ''}; "
            f"{new} to send, {plan.already_sent} sent before, {resolved} resolved, {len(plan.closed)} closed "
            f"without a message.")
        if plan.unrouted:
            say(f"WARN: {len(plan.unrouted)} alert(s) match no route ("
                + ", ".join(sorted({a.kind for a in plan.unrouted}))
                + "): add a default route to seeds/alert_routes.csv (is_default true).")
        if args.dry_run:
            return dry_run(plan, say)
        state.ensure_table(warehouse, args.state_table)  # first: a state it cannot write stops it before sending
        state.record(warehouse, plan.closed, args.state_table)
        return deliver(plan, warehouse, args.state_table, secrets, session, run_id, say)


def dry_run(plan: state.Plan, say: Callable[[str], None]) -> int:
    for route_plan in plan.routes:
        message = route_plan.message
        say(f"\n{route_plan.route}: would send {len(message.alerts)} alert(s) and {len(message.resolved)} "
            f"resolution(s):\n")
        say(plain_text(message))
    for missing in unset_secrets([p.route for p in plan.routes], os.environ):
        say(f"WARN: {missing} is not set: the real run fails for this route.")
    if not plan.routes:
        say("Nothing new to send.")
    say("Dry run: nothing was sent or recorded.")
    return ExitCode.OK


def deliver(plan: state.Plan, warehouse: Warehouse, table: str, secrets: Secrets, session: Session, run_id: str,
            say: Callable[[str], None]) -> int:
    """Send each route its message; record a route's rows once it took them. A failed route: an ERROR line."""
    failed = 0
    for route_plan in plan.routes:
        route, message = route_plan.route, route_plan.message
        try:
            receipt = channels.send(route, message, secrets, session, run_id)
        except channels.ChannelError as error:
            failed += 1
            print_error(error.code, secrets.redact(f"{route}: {error}; not sent, the next run tries again"))
            continue
        state.record(warehouse, route_plan.deliveries, table)
        say(f"{route}: sent {len(message.alerts)} alert(s) and {len(message.resolved)} resolution(s) ({receipt}).")
    if not plan.routes:
        say("Nothing new to send.")
    return ExitCode.DELIVERY_FAILED if failed else ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))

