"""The `bedrock-costs` command: ``bedrock-costs <command> [options]``, one module per command.

A command is a module with ``main(argv: list[str] | None) -> int``. It is imported only when it
runs, so one command's dependencies never slow down or break another. To add one, add a line to
COMMANDS.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import cast

from bedrock_costs.cli import PROG


@dataclass(frozen=True)
class Command:
    """Where a command's ``main`` lives, and the line ``bedrock-costs --help`` shows for it."""

    module: str
    summary: str


COMMANDS: dict[str, Command] = {
    "enable-logging": Command("bedrock_costs.enable_logging", "turn on Bedrock invocation logging (S3, CloudWatch)"),
    "create-profiles": Command("bedrock_costs.create_profiles", "one tagged application inference profile per app"),
    "validate": Command("bedrock_costs.validate", "check attribution end to end: PASS/FAIL, exit 1 on a FAIL"),
    "finops": Command("bedrock_costs.finops", "tags: activate cost-allocation tags; budgets: an AWS Budget per app"),
    "budget-alerts": Command("bedrock_costs.budget_alerts",
                             "the apps over a budget alert threshold; exit 1 if any, 4 if SNS delivery failed"),
    "notify": Command("bedrock_costs.notify", "send what is new (alerts, budgets, resolutions) to Slack, Teams, "
                                              "e-mail, a webhook or SNS, each once"),
    "summary": Command("bedrock_costs.summary", "cost by app, role and caller, anomalies, budgets, the bill "
                                                "(DuckDB, Trino or Athena)"),
    "report": Command("bedrock_costs.report", "write the self-contained HTML cost report (DuckDB, Trino or Athena)"),
    "export": Command("bedrock_costs.export", "the report's sections as CSV, JSON or Parquet files, for a period"),
    "check-logs": Command("bedrock_costs.check_logs", "find log files a build cannot read (empty, not gzip, cut, "
                                                      "corrupt); print them, or the skip-list setting"),
    "chargeback": Command("bedrock_costs.chargeback", "a billing period's invoice per account, cost center, team "
                                                      "and app, for finance (CSV, JSON or Parquet)"),
    "sync-prices": Command("bedrock_costs.price_sync", "diff the price catalog against the AWS Price List; "
                                                       "--write appends dated rows"),
}

Main = Callable[[list[str] | None], int]


def _version() -> str:
    try:
        return version("bedrock-costs")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "unknown"


def parser() -> argparse.ArgumentParser:
    """The top level: the commands and their one-line summaries (each command parses its own options)."""
    width = max(map(len, COMMANDS))
    listing = "\n".join(f"  {name.ljust(width)}  {command.summary}" for name, command in COMMANDS.items())
    top = argparse.ArgumentParser(
        prog=PROG, usage=f"{PROG} [-h] [--version] <command> [options]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Who spends what on Amazon Bedrock: onboard an AWS account, then read the marts.",
        epilog=f"commands:\n{listing}\n\nRun `{PROG} <command> --help` for a command's options and exit codes "
               "(0 success, 1 a check failed, an app is over budget or a step failed, 2 bad input, 3 no "
               "credentials, 4 an alert not delivered, 130 interrupted).")
    top.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    commands = top.add_subparsers(dest="command", metavar="<command>", required=True, help=argparse.SUPPRESS)
    for name in COMMANDS:
        # add_help=False: `<command> --help` reaches the command's own parser, with its own options
        commands.add_parser(name, add_help=False)
    return top


def load(name: str) -> Main:
    """The ``main`` of a command, imported now."""
    return cast(Main, importlib.import_module(COMMANDS[name].module).main)


def main(argv: list[str] | None = None) -> int:
    args, rest = parser().parse_known_args(argv)
    return load(args.command)(rest)
