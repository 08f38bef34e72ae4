"""Write the HTML cost report (`make report`): one self-contained file, charts as inline SVG.

    bedrock-costs report [--database PATH] [--out reports/cost_report.html]
                         [--days 30] [--top 10] [--screenshot reports/cost_report.png]

Reads the marts only, over the last --days days of data, and compares them with the previous period
of the same length. Every section states its window; the FinOps marts that price a fixed window (or
a month) say so. The FinOps sections appear when their marts exist in the database; with a CUR 2.0
export, so do the bill marts and a "Bill versus estimate" section per billing period in the window
(docs/bill.md). No JavaScript
library, no CDN, no font or image from the network: the file opens offline. The database is the one
`make run` built (bedrock-costs summary --which-database) unless --database says otherwise.

``data`` reads the marts into dataclasses, ``render`` draws the page from them, and ``chromium``
takes the screenshot; this module ties them to the command line.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import duckdb

from bedrock_costs.cli import command_parser, run_guarded
from bedrock_costs.errors import SetupError
from bedrock_costs.report.chromium import chromium_binary, rendered_dom, screenshot
from bedrock_costs.report.data import OPTIONAL_MARTS, ReportData, load
from bedrock_costs.report.render import count, days_text, empty_page, pct, render_page, signed_pct
from bedrock_costs.results import progress
from bedrock_costs.summary import default_database
from bedrock_costs.tables import money, table

__all__ = [
    "OPTIONAL_MARTS",
    "chromium_binary",
    "main",
    "money",
    "overview",
    "rendered_dom",
    "screenshot",
    "table",
    "write_report",
]


def write_report(con: duckdb.DuckDBPyConnection, out: Path, days: int | None = 30, top: int = 10) -> ReportData | None:
    """Read the marts and write the page to ``out``; the data it shows, or None when the marts are empty."""
    progress("reading the marts")
    data = load(con, days, top)
    progress("drawing the charts")
    page = render_page(data) if data else empty_page()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return data


def overview(data: ReportData, out: Path) -> str:
    """What was written, and the headline numbers as a table, for the terminal."""
    h, previous = data.headline, data.comparison.previous
    change = (signed_pct(h.priced_cost_usd / h.previous_priced_cost_usd - 1) if h.previous_priced_cost_usd
              else data.comparison.why_not or "nothing spent before")
    rows = [
        ["total cost", money(h.total_cost_usd)],
        [f"change vs the previous {previous.days} days", change],
        ["requests", count(h.request_count)],
        ["cost per 1M tokens", money(h.priced_cost_usd / h.total_tokens * 1e6 if h.total_tokens else None)],
        ["cached token share", pct(h.cached_token_share, 1)],
        ["unattributed spend", money(h.unattributed_cost_usd)],
        ["unpriced requests", count(h.unpriced_request_count)],
        ["optional sections", ", ".join(m.section for m in data.optional) or "none (no FinOps marts yet)"],
        *([f"bill {b.name}: estimate, net bill",
           f"{money(b.total('log_estimate'))}, {money(b.total('net_bill'))}"] for b in data.bill),
    ]
    return (f"Wrote {out} ({out.stat().st_size / 1024:,.0f} KB): {days_text(data.period)}\n"
            + table(["measure", "value"], rows, {1}))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = command_parser("report", __doc__, with_common=False)
    parser.add_argument("--database", type=Path, default=None,
                        help="the DuckDB file (default: the one `make run` builds; see bedrock-costs summary)")
    parser.add_argument("--out", type=Path, default=Path("reports/cost_report.html"),
                        help="the HTML file to write (default reports/cost_report.html)")
    parser.add_argument("--days", type=int, default=30, help="last N days of data (default 30; 0 for all)")
    parser.add_argument("--top", type=int, default=10, help="callers to chart (default 10)")
    parser.add_argument("--screenshot", type=Path, help="also save a PNG of the report, with headless Chromium")
    args = parser.parse_args(argv)
    args.database = args.database or default_database()
    return args


def run(args: argparse.Namespace) -> int:
    if not args.database.exists():
        raise SetupError("NoDatabase", f"{args.database} does not exist; run `make run` first")
    try:
        with duckdb.connect(str(args.database), read_only=True) as con:
            data = write_report(con, args.out, args.days or None, args.top)
    except duckdb.CatalogException as error:
        raise SetupError("MissingMart", f"{error.args[0].splitlines()[0]}; run `dbt build` first") from error
    if data is None:
        print(f"Wrote {args.out}: the marts are empty.")
        return 0
    if args.screenshot:
        progress(f"screenshot with headless Chromium -> {args.screenshot}")
        try:
            screenshot(args.out, args.screenshot)
        except (FileNotFoundError, subprocess.SubprocessError) as error:
            raise SetupError("Chromium", f"no screenshot: {error}") from error
    print(overview(data, args.out))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))
