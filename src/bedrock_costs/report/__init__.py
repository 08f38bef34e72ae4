"""Write the HTML cost report (`make report`): one self-contained file, charts as inline SVG.

    bedrock-costs report [--target local|trino|athena] [--database PATH] [--out reports/cost_report.html]
                         [--days N] [--top 10] [--screenshot reports/cost_report.png]

The report covers the last --days days of data and compares them with the period of the same length
before. By default the window fits the data: the last 30 days when there are 60 or more, else half of
it in whole weeks (7 days of a 14-day sample), so there is always a previous period to compare with.
--days 0 takes all of it. Every section states its window; the FinOps sections, which price a fixed
window or a month, say so. They appear when their marts exist, and so, with a CUR 2.0 export, does a
"Bill versus estimate" section per billing period in the window (docs/bill.md).

It reads the dbt target: the DuckDB file `make run` built (see `bedrock-costs summary --which-database`)
unless --database or --target (or $DBT_TARGET) names another, such as the trino or athena target of
profiles.yml. The file needs no network to open (no JavaScript library, no CDN, no web font) and
reads well from a phone (390 px) to a wide screen (1920 px).
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path
from typing import Any

from bedrock_costs.cli import command_parser, run_guarded, target_arguments
from bedrock_costs.errors import InputError, SetupError
from bedrock_costs.figures import data_window, fitting_days
from bedrock_costs.report.chromium import Layout, chromium_binary, lay_out, rendered_dom, screenshot, screenshot_at
from bedrock_costs.report.data import OPTIONAL_MARTS, ReportData, load
from bedrock_costs.report.render import count, days_text, empty_page, pct, render_page, signed_pct
from bedrock_costs.results import progress
from bedrock_costs.tables import money, table
from bedrock_costs.warehouse import open_warehouse, reader

__all__ = [
    "OPTIONAL_MARTS",
    "Layout",
    "chromium_binary",
    "default_days",
    "lay_out",
    "main",
    "money",
    "overview",
    "rendered_dom",
    "screenshot",
    "screenshot_at",
    "table",
    "write_report",
]


def default_days(source: Any) -> int | None:
    """The window the report takes when --days is not given: fitted to the data (figures.fitting_days)."""
    data = data_window(reader(source))
    return fitting_days(data) if data else None


def write_report(source: Any, out: Path, days: int | None = 30, top: int = 10) -> ReportData | None:
    """Read the figures and write the page to ``out``; the data it shows, or None when the marts are
    empty. ``source``: a Warehouse, or an open DuckDB connection; ``days`` None or 0: all the data."""
    progress("reading the marts")
    data = load(source, days, top)
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
        ["cached share of input tokens", pct(h.cached_token_share, 1)],
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
    target_arguments(parser)
    parser.add_argument("--out", type=Path, default=Path("reports/cost_report.html"),
                        help="the HTML file to write (default reports/cost_report.html)")
    parser.add_argument("--days", type=int, default=None,
                        help="the last N days of data (default: fitted to the data, see above; 0 for all of it)")
    parser.add_argument("--top", type=int, default=10, help="callers to chart (default 10)")
    parser.add_argument("--screenshot", type=Path, help="also save a PNG of the report, with headless Chromium")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    with open_warehouse(args.target, args.database, args.profiles_dir) as warehouse:
        if (args.days is not None and args.days < 0) or args.top < 1:
            raise InputError("--days takes 0 (all the data) or more, --top 1 or more")
        days = default_days(warehouse) if args.days is None else args.days
        data = write_report(warehouse, args.out, days, args.top)
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
