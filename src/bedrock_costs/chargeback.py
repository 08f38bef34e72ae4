"""Write the monthly chargeback for finance: one billing period of the bill, every billed dollar
allocated to an account, cost center, team and app (docs/bill.md), as CSV, JSON or Parquet.

    bedrock-costs chargeback [--period 2026-11] [--format csv|json|parquet] [--out exports]
                             [--target local|trino|athena] [--database PATH]

It is the export section `chargeback` (the same columns, docs/exports.md) for one billing period,
written to <out>/chargeback_<period>.<format>; without --period, the newest period of the bill. Per
account its net_cost_usd sums to the period's net bill. It needs the bill models, built with a CUR 2.0
export (BEDROCK_CUR_PATH or bedrock_costs_cur_table).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path

from bedrock_costs import export, figures
from bedrock_costs.cli import command_parser, run_guarded, target_arguments
from bedrock_costs.errors import InputError, SetupError
from bedrock_costs.figures import Window
from bedrock_costs.tables import money
from bedrock_costs.warehouse import MissingRelation, Warehouse, as_date, open_warehouse

SECTION = "chargeback"


def month(text: str) -> Window:
    """2026-11 -> 2026-11-01 to 2026-11-30."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        raise InputError(f"--period takes a billing period as YYYY-MM, not {text!r}")
    first = dt.date.fromisoformat(f"{text}-01")
    return Window(first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))


def periods(warehouse: Warehouse) -> list[dt.date]:
    """The bill's billing periods, newest first (SetupError without the bill models)."""
    try:
        rows = warehouse.read("rpt_bill_periods", ["billing_period"], order_by=["billing_period desc"])
    except MissingRelation as error:
        raise SetupError("NoBill", "this warehouse has no bill models: build it with a CUR 2.0 export "
                                   "(BEDROCK_CUR_PATH or bedrock_costs_cur_table; docs/bill.md)") from error
    return [day for day in (as_date(r["billing_period"]) for r in rows) if day]


def write_chargeback(warehouse: Warehouse, period: str | None, out: Path, fmt: str) -> tuple[Path, int, float]:
    """Write one period's chargeback; (its file, rows, net bill over its accounts)."""
    known = periods(warehouse)
    if not known:
        raise SetupError("NoBill", "the bill models are empty: the CUR 2.0 export holds no Bedrock line")
    window = month(period) if period else month(f"{known[0]:%Y-%m}")
    if window.first not in known:
        raise InputError(f"the bill has no billing period {window.first:%Y-%m} (it has "
                         + ", ".join(f"{day:%Y-%m}" for day in sorted(known)) + ")")
    data = figures.data_window(warehouse) or window
    context = export.Context(warehouse, data, window)
    rows = export.SECTIONS[SECTION].rows(context)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{SECTION}_{window.first:%Y-%m}.{fmt}"
    export.WRITERS[fmt](path, export.SECTIONS[SECTION], rows)
    return path, len(rows), sum(float(r["net_cost_usd"] or 0) for r in rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = command_parser("chargeback", __doc__, with_common=False)
    target_arguments(parser)
    parser.add_argument("--period", help="the billing period, YYYY-MM (default: the bill's newest)")
    parser.add_argument("--format", choices=export.FORMATS, default="csv", help="csv (default), json or parquet")
    parser.add_argument("--out", type=Path, default=Path("exports"), help="the folder to write into (default exports)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    with open_warehouse(args.target, args.database, args.profiles_dir) as warehouse:
        path, count, net = write_chargeback(warehouse, args.period, args.out, args.format)
    print(f"Wrote {path}: {count} rows (account x cost center x team x app), the net bill {money(net)}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))
