"""The bill versus the estimate, as the summary prints it and the report draws it (docs/bill.md).

With a CUR 2.0 export, each billing period with data in the window gets a waterfall from the log
estimate to the net bill, the reconciliation's status line and the notes on stale list prices,
profile tags and callers. The sample here crosses a month (29 Oct to 3 Nov 2026: two billing periods,
the last two days not billed yet). Every number is checked against the bill marts, queried here, and
against the causes the generator planted (ground_truth/bill_truth.json), to the cent. Without the
bill marts there is no section, and the rest of the summary and report is unchanged."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bedrock_costs import report, summary
from conftest import GENERATOR, REPO, Project, make_project
from test_report import Elements, days_words, section_rows, window_words
from test_summary import table_after

START, DAYS = dt.date(2026, 10, 29), 6
CENT = 0.005 + 1e-9
# What a reader sees for each cause of fct_bill_variance_by_cause, in step order.
LABELS = {
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
# bill_truth.json's waterfall steps -> the mart's (cause, kind)
TRUTH_STEPS = {
    "log_estimate": ("log_estimate", "log_estimate"),
    "not_yet_billed": ("not_yet_billed", "cur_lag"),
    "token_count_gap": ("token_count_gap", "tokens"),
    "price_difference": ("price_difference", "unit_price"),
    "unlogged_traffic:batch": ("unlogged_traffic", "batch"),
    "unlogged_traffic:mantle": ("unlogged_traffic", "mantle"),
    "non_token_charges:guardrails": ("non_token_charges", "guardrails"),
    "non_token_charges:provisioned_throughput": ("non_token_charges", "provisioned_throughput"),
    "non_token_charges:knowledge_bases": ("non_token_charges", "knowledge_bases"),
    "non_token_charges:agentcore": ("non_token_charges", "agentcore"),
    "non_token_charges:tax": ("non_token_charges", "tax"),
    "discounts": ("credits_and_discounts", "discount"),
    "credits": ("credits_and_discounts", "credit"),
    "refunds": ("credits_and_discounts", "refund"),
}


@dataclass
class Billed:
    project: Project
    database: Path               # a checkpointed copy, to open read-only
    truth: dict[str, Any]

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def periods(self) -> list[str]:
        return sorted({w["billing_period"] for w in self.truth["waterfall"]})


@pytest.fixture(scope="module")
def billed(tmp_path_factory: pytest.TempPathFactory) -> Billed:
    """Six days of logs over two months and their bill, every difference planted; `dbt build` must pass."""
    root = tmp_path_factory.mktemp("bill_output")
    logs = root / "logs"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--records", "12000", "--days", str(DAYS), "--start-date", str(START),
         "--seed", "11", "--out", str(logs), "--quiet", "--workers", "2", "--cur"],
        check=True, capture_output=True)
    project = make_project(root / "project", logs)
    project.default_vars = {"bedrock_costs_cur_path": str(logs / "cur")}
    run = project.dbt("build")
    assert run.success, "\n".join(m for m in run.messages if "ERROR" in m or "FAIL" in m)
    project.query("checkpoint")
    database = root / "billed.duckdb"
    shutil.copy(project.database, database)
    truth = json.loads((logs / "ground_truth" / "bill_truth.json").read_text())
    return Billed(project, database, truth)


def first_of(period: str) -> dt.date:
    return dt.date.fromisoformat(f"{period}-01")


def dollars(text: str) -> float:
    """$1,234.56, -$9.12, +$3.56 -> a float."""
    sign = -1.0 if text.startswith("-") else 1.0
    return sign * float(text.lstrip("+-").removeprefix("$").replace(",", ""))


def signed(value: float) -> str:
    cents = round(value, 2)
    return "$0.00" if cents == 0 else f"{'+' if cents > 0 else '-'}${abs(cents):,.2f}"


def plain(value: float) -> str:
    cents = round(value, 2)
    return f"{'-' if cents < 0 else ''}${abs(cents):,.2f}"


def mart_causes(billed: Billed, period: str) -> dict[str, float]:
    """cause -> amount, summed over accounts and kinds."""
    return dict(billed.query("""select cause, sum(amount_usd) from main.fct_bill_variance_by_cause
                                where billing_period = ? group by cause""", [first_of(period)]))


def mart_kinds(billed: Billed, period: str) -> dict[tuple[str, str], float]:
    return {(c, k): a for c, k, a in billed.query("""
        select cause, kind, sum(amount_usd) from main.fct_bill_variance_by_cause
        where billing_period = ? group by cause, kind""", [first_of(period)])}


def truth_causes(billed: Billed, period: str) -> dict[str, float]:
    """cause -> amount planted by the generator, summed over accounts; net_bill too."""
    found: dict[str, float] = defaultdict(float)
    for entry in billed.truth["waterfall"]:
        if entry["billing_period"] != period:
            continue
        for step, amount in entry["steps"].items():
            found[TRUTH_STEPS[step][0]] += amount
        found["net_bill"] += entry["net_bill_usd"]
    return found


def period_days(period: str) -> tuple[dt.date, dt.date]:
    """The logs' days in the billing period: the generator's START and DAYS."""
    days = [START + dt.timedelta(days=i) for i in range(DAYS)]
    inside = [d for d in days if f"{d:%Y-%m}" == period]
    return inside[0], inside[-1]


def coverage_words(billed: Billed, period: str) -> str:
    """CUR 2.0 billed through ...; ... pending: from the planted CUR lag."""
    lag = billed.truth["causes"]["cur_lag"]
    first, last = period_days(period)
    through = min(dt.date.fromisoformat(lag["bill_through_date"]), last)
    pending = [d for d in map(dt.date.fromisoformat, lag["days"]) if first <= d <= last]
    pending_words = f"{pending[0]} to {pending[-1]} pending" if pending else "nothing pending"
    return f"CUR 2.0 billed through {through}; {pending_words}"


def status_words(billed: Billed, period: str) -> str:
    counts = dict(billed.query("select status, count(*) from main.fct_bill_reconciliation "
                               "where billing_period = ? group by status", [first_of(period)]))
    words = [("reconciled", "cells reconciled"), ("variance", "with a variance"), ("not_in_logs", "not in the logs"),
             ("not_in_bill", "not in the bill"), ("pending", "pending")]
    return ", ".join(f"{counts.get(s, 0):,} {w}" for s, w in words) + " (fct_bill_reconciliation)"


def notes_words(billed: Billed, period: str) -> str:
    """The stale price planted (from its first day), the tag planted, and the callers the mart says differ."""
    change, tag = billed.truth["causes"]["price_change"], billed.truth["causes"]["tag_mismatch"]
    ((tags,),) = billed.query("select count(*) from main.fct_bill_profile_tag_comparison "
                              "where status in ('differs', 'profile_not_in_map')")
    assert tags == 1 and billed.query("select tag_key, bill_value from main.fct_bill_profile_tag_comparison "
                                      "where status = 'differs'") == [(tag["tag_key"], tag["bill_value"])]
    ((callers,),) = billed.query("""select count(*) from main.fct_bill_caller_comparison
        where billing_period = ? and status in ('differs', 'not_in_logs', 'not_in_bill')""", [first_of(period)])
    return (f"Stale list price: {change['model_id']} from {change['from_date']}. "
            f"1 profile tag and {callers} caller{'s' if callers != 1 else ''} differ from the bill.")


def bill_summary(billed: Billed, days: int = 7) -> str:
    with duckdb.connect(str(billed.database), read_only=True) as con:
        return summary.summary(con, days, 8)


def section_of(text: str, heading_start: str) -> list[str]:
    """The lines of one summary section: its heading to the next blank line."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(heading_start))
    end = next((i for i in range(at, len(lines)) if not lines[i].strip()), len(lines))
    return lines[at:end]


# ---------------------------------------------------------------------------------------------
# The summary


def test_summary_prints_each_billing_period_to_the_cent(billed: Billed) -> None:
    text = bill_summary(billed)
    assert billed.periods() == ["2026-10", "2026-11"]
    assert [line for line in text.splitlines() if line.startswith("Bill versus estimate")] == [
        f"Bill versus estimate, {p}, {period_days(p)[0]} to {period_days(p)[1]} (UTC, 3 days): "
        f"{coverage_words(billed, p)}" for p in billed.periods()]
    for period in billed.periods():
        heading, rows = table_after(text, f"Bill versus estimate, {period}")
        mart, kinds, planted = mart_causes(billed, period), mart_kinds(billed, period), truth_causes(billed, period)
        # every cause of the mart, in step order, in the reader's words
        assert [r["step"] for r in rows] == [LABELS[c] for c in LABELS if c in mart], period
        for row in rows:
            cause = next(c for c, label in LABELS.items() if label == row["step"])
            total = cause in ("log_estimate", "net_bill")
            # the mart, to the cent
            assert row["amount"] == (plain(mart[cause]) if total else signed(mart[cause])), (period, cause)
            # the generator's planted causes, to the cent (0 for what it did not plant: the residual)
            assert dollars(row["amount"]) == pytest.approx(planted.get(cause, 0.0), abs=CENT), (period, cause)
            # the parts of a cause of several kinds, those that are not 0 at the cent
            expected_kinds = {k: a for (c, k), a in kinds.items() if c == cause and round(a, 2) != 0}
            if cause in ("unlogged_traffic", "non_token_charges", "credits_and_discounts"):
                parts = dict(part.rsplit(" ", 1) for part in row["of which"].split(", ")) if row["of which"] else {}
                assert parts == {k: plain(a) for k, a in expected_kinds.items()}, (period, cause)
            else:
                assert row["of which"] == "", (period, cause)
        notes = section_of(text, heading)[3 + len(rows):]
        assert notes == [f"  {status_words(billed, period)}", f"  {notes_words(billed, period)}"], period

    # the planted causes by name, in the period they fell in
    causes = billed.truth["causes"]
    october = {r["step"]: r for r in table_after(text, "Bill versus estimate, 2026-10")[1]}
    november = {r["step"]: r for r in table_after(text, "Bill versus estimate, 2026-11")[1]}
    assert f"batch {plain(causes['batch_job']['billed_usd'])}" in october["traffic the logs never see"]["of which"]
    assert f"provisioned_throughput {plain(causes['provisioned_throughput']['billed_usd'])}" in october[
        "non-token charges"]["of which"]
    assert dollars(october["token-count gaps (logging off or late)"]["amount"]) == pytest.approx(
        causes["logging_off"]["billed_usd"], abs=CENT)
    assert f"guardrails {plain(causes['guardrail']['billed_usd'])}" in november["non-token charges"]["of which"]
    assert f"credit {plain(causes['credit']['amount_usd'])}" in november["discounts and credits"]["of which"]
    prices = sum(dollars(p["price differences (catalog vs bill)"]["amount"]) for p in (october, november))
    assert prices == pytest.approx(causes["price_change"]["amount_usd"], abs=2 * CENT)
    discounts = sum(dollars(part.rsplit(" ", 1)[1]) for p in (october, november)
                    for part in p["discounts and credits"]["of which"].split(", ") if part.startswith("discount "))
    assert discounts == pytest.approx(causes["edp_discount"]["amount_usd"] + causes["discount_line"]["amount_usd"],
                                      abs=2 * CENT)
    lag = sum(dollars(p["not billed yet (CUR lag)"]["amount"]) for p in (october, november))
    assert lag == pytest.approx(sum(w["steps"].get("not_yet_billed", 0) for w in billed.truth["waterfall"]),
                                abs=CENT)
    # the logs never saw the day logging was off: its cells are `not_in_logs`, in October
    assert "3 not in the logs" in section_of(text, "Bill versus estimate, 2026-10")[-2]


def test_summary_shows_only_the_periods_in_its_window(billed: Billed) -> None:
    """--days 2: 2 and 3 November, so only November's bill."""
    text = bill_summary(billed, days=2)
    assert [line.split(",")[1].strip() for line in text.splitlines()
            if line.startswith("Bill versus estimate")] == ["2026-11"]
    assert text.startswith("Bedrock cost by app and team, 2026-11-02 to 2026-11-03")


def test_the_cli_prints_the_bill_section(billed: Billed, capsys: pytest.CaptureFixture[str]) -> None:
    assert summary.main(["--database", str(billed.database)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip("\n") == bill_summary(billed)
    assert max(map(len, out.splitlines())) <= 150


# ---------------------------------------------------------------------------------------------
# The report


@pytest.fixture(scope="module")
def page(billed: Billed, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Elements]:
    out = tmp_path_factory.mktemp("bill_report") / "cost_report.html"
    with duckdb.connect(str(billed.database), read_only=True) as con:
        report.write_report(con, out, days=30)
    return out, Elements(out.read_text())


def test_report_has_a_section_per_billing_period(billed: Billed, page: tuple[Path, Elements]) -> None:
    _, elements = page
    main = elements.one("main").attrs
    assert main["data-bill-periods"] == "2026-10 2026-11"
    text = bill_summary(billed)
    for period in billed.periods():
        name = f"bill-{period}"
        section = elements.one("section", data_section=name).attrs
        mart, planted = mart_causes(billed, period), truth_causes(billed, period)
        for attribute, cause in (("data-log-estimate-usd", "log_estimate"), ("data-net-bill-usd", "net_bill")):
            assert float(section[attribute]) == pytest.approx(mart[cause], abs=1e-6), (period, cause)
            assert float(section[attribute]) == pytest.approx(planted[cause], abs=CENT), (period, cause)
        # its window: the period's days, and why they are not the report's (29 Oct to 3 Nov)
        first, last = period_days(period)
        assert (section["data-window-start"], section["data-window-end"]) == (str(first), str(last))
        words, why = window_words(elements, name)
        assert words == days_words(first, last) and why.startswith("Not the report's window: the bill is per billing")

        # the waterfall: one step per cause, with its exact amount; its bars add up to it
        chart = f"bill-waterfall-{period}"
        steps = elements.inside(chart, "g", "step")
        assert [s.attrs["data-cause"] for s in steps] == [c for c in LABELS if c in mart]
        for step in steps:
            cause = step.attrs["data-cause"]
            assert float(step.attrs["data-amount-usd"]) == pytest.approx(mart[cause], abs=1e-6), (period, cause)
            assert float(step.attrs["data-amount-usd"]) == pytest.approx(planted.get(cause, 0.0), abs=CENT)
        marks = elements.inside(chart, "rect", "mark")
        position = {id(e): i for i, e in enumerate(elements.all)}
        per_cause: dict[str, float] = defaultdict(float)
        for mark in marks:  # a mark belongs to the step <g> just before it
            owner = max((s for s in steps if position[id(s)] < position[id(mark)]), key=lambda s: position[id(s)])
            per_cause[owner.attrs["data-cause"]] += float(mark.attrs["data-amount-usd"])
        assert per_cause.keys() == {s.attrs["data-cause"] for s in steps}
        for cause, amount in per_cause.items():
            assert amount == pytest.approx(mart[cause], abs=0.01), (period, cause)  # parts under a cent left out
        # from the estimate, the steps walk to the net bill
        ends = {s.attrs["data-cause"]: float(s.attrs["data-end-usd"]) for s in steps}
        assert ends["residual"] == pytest.approx(mart["net_bill"], abs=1e-6)
        svg = elements.one("svg", data_chart=chart).attrs
        assert float(svg["data-net-bill-usd"]) == pytest.approx(mart["net_bill"], abs=1e-6)

        # the table, the status line and the notes say what the summary says
        _, rows = table_after(text, f"Bill versus estimate, {period}")
        assert [r[:3] for r in section_rows(elements, name)[: len(rows)]] == [
            [r["step"], r["amount"], r["of which"]] for r in rows]
        status = next(e for e in elements.all[elements.all.index(elements.one("section", data_section=name)):]
                      if e.attrs.get("class") == "bill-status")
        counts = dict(billed.query("select status, count(*) from main.fct_bill_reconciliation "
                                   "where billing_period = ? group by status", [first_of(period)]))
        for status_name in ("reconciled", "variance", "not_in_logs", "not_in_bill", "pending"):
            assert int(status.attrs[f"data-{status_name.replace('_', '-')}"]) == counts.get(status_name, 0)
        assert status.text.startswith(status_words(billed, period))
        notes = next(e for e in elements.all[elements.all.index(elements.one("section", data_section=name)):]
                     if e.attrs.get("class") == "bill-notes")
        assert notes.text == notes_words(billed, period)

    # the caller the logs never saw (logging off), in October's callers
    october = [row[0] for row in section_rows(elements, "bill-2026-10")]
    assert billed.truth["causes"]["logging_off"]["caller_arn"] in october
    assert "fct_bill_variance_by_cause, fct_bill_reconciliation" in elements.one("footer").text


@pytest.fixture(scope="module")
def chromium() -> str:
    """Chromium on PATH, installed by scripts/ensure_chromium.sh when missing; skip only if that fails."""
    if report.chromium_binary() is None:
        subprocess.run(["bash", str(REPO / "scripts" / "ensure_chromium.sh")], capture_output=True, text=True)
        if report.chromium_binary() is None:
            pytest.skip("chromium cannot be installed here, so the waterfall was not checked in a browser")
    return str(report.chromium_binary())


def test_waterfalls_render_in_headless_chromium(chromium: str, page: tuple[Path, Elements]) -> None:
    path, elements = page
    dom = Elements(report.rendered_dom(path))
    for period in ("2026-10", "2026-11"):
        name = f"bill-waterfall-{period}"
        rendered = dom.one("svg", data_chart=name).attrs
        assert int(rendered["data-rendered-width"]) > 300 and int(rendered["data-rendered-height"]) > 60, name
        marks = elements.inside(name, "rect", "mark")
        assert marks and int(rendered["data-rendered-marks"]) == len(marks), f"{name}: every bar has a visible box"


# ---------------------------------------------------------------------------------------------
# Without the bill marts: no section, nothing else changes


BILL_SECTION = re.compile(r"\n\n(Bill versus estimate|Billed cost by app and team), .*?(?=\n\n|\Z)", re.S)


def test_no_bill_marts_no_section(billed: Billed, tmp_path: Path) -> None:
    with_bill = bill_summary(billed)
    database = tmp_path / "no_bill.duckdb"
    shutil.copy(billed.database, database)
    with duckdb.connect(str(database)) as con:
        for schema, name, kind in con.sql("""select table_schema, table_name, table_type from information_schema.tables
                                             where table_name like '%bill%'""").fetchall():
            con.sql(f'drop {"view" if kind == "VIEW" else "table"} "{schema}"."{name}"')
    with duckdb.connect(str(database), read_only=True) as con:
        without = summary.summary(con, 7, 8)
        report.write_report(con, tmp_path / "cost_report.html", days=30)
    assert "Bill versus estimate" in with_bill and "Bill versus estimate" not in without
    assert without == BILL_SECTION.sub("", with_bill)
    elements = Elements((tmp_path / "cost_report.html").read_text())
    assert elements.one("main").attrs["data-bill-periods"] == ""
    assert not [e for e in elements.find("section") if e.attrs.get("data-section", "").startswith("bill-")]
    assert not elements.find("svg", data_chart="bill-waterfall-2026-11")


def test_no_cur_no_section(sample: Project, tmp_path: Path) -> None:
    """The build without a CUR export (the shared sample): no bill marts, no bill section anywhere."""
    sample.query("checkpoint")
    database = tmp_path / "sample.duckdb"
    shutil.copy(sample.database, database)
    with duckdb.connect(str(database), read_only=True) as con:
        assert not con.sql("select * from information_schema.tables where table_name like 'fct_bill%'").fetchall()
        text = summary.summary(con, 7, 8)
        data = report.write_report(con, tmp_path / "cost_report.html", days=30)
    assert "Bill versus estimate" not in text
    assert data is not None and data.bill == []
    assert "Bill versus estimate" not in (tmp_path / "cost_report.html").read_text()


# ---------------------------------------------------------------------------------------------
# The wording at the edges, by hand


def test_wording_when_nothing_is_billed_or_nothing_differs() -> None:
    nov = dt.date(2026, 11, 1)
    status = summary.BillStatus(None, nov, dt.date(2026, 11, 3), 0, 0, 0, 0, 12)
    assert status.coverage == "nothing billed yet; 2026-11-01 to 2026-11-03 pending"
    one_day = summary.BillStatus(nov, dt.date(2026, 11, 2), dt.date(2026, 11, 2), 5, 1, 0, 2, 3)
    assert one_day.coverage == "CUR 2.0 billed through 2026-11-01; 2026-11-02 pending"
    assert one_day.line == ("5 cells reconciled, 1 with a variance, 0 not in the logs, 2 not in the bill, 3 pending "
                            "(fct_bill_reconciliation)")
    # the cause's words come with each step, from the mart (seeds/bill_causes.csv): LABELS, as it gives them
    steps = [summary.BillStep(0, "log_estimate", "log_estimate", 10.0, "", LABELS["log_estimate"], "estimate", True),
             summary.BillStep(3, "price_difference", "unit_price", -0.004, "", LABELS["price_difference"], "prices"),
             summary.BillStep(7, "credits_and_discounts", "credit", 0.0, "", LABELS["credits_and_discounts"]),
             summary.BillStep(7, "credits_and_discounts", "discount", -0.3, "", LABELS["credits_and_discounts"]),
             summary.BillStep(8, "residual", "residual", 1e-13, "", LABELS["residual"]),
             summary.BillStep(9, "net_bill", "net_bill", 9.696, "", LABELS["net_bill"], "net bill", True)]
    bill = summary.BillPeriod(nov, summary.Window(nov, nov), steps, one_day, [], [], None)
    assert bill.notes == ["No stale list price.", "0 profile tags differ from the bill."]
    assert [(c.label, c.amount_text, c.breakdown_text) for c in bill.causes] == [
        ("estimate at list price (the logs)", "$10.00", ""),
        ("price differences (catalog vs bill)", "$0.00", ""),   # never -$0.00
        ("discounts and credits", "-$0.30", "discount -$0.30"),  # the credit of $0 left out
        ("residual", "$0.00", ""),
        ("net bill", "$9.70", ""),
    ]
    lonely = summary.BillPeriod(nov, summary.Window(nov, nov), steps, one_day, None, None,
                                [summary.CallerDifference("arn:aws:iam::1:user/a", "1", "differs", 2.0, 1.0)])
    assert lonely.notes == ["1 caller differs from the bill."]


def test_a_3_dollar_step_is_seen_beside_a_1500_dollar_bar() -> None:
    """When the steps span little of the totals, the waterfall's axis starts near the lowest level they
    walk through, not at $0, and the two totals are drawn broken at its foot: a $3 step is pixels tall,
    in scale with the others, beside a $1,500 bar. The table under it keeps every amount."""
    from bedrock_costs.report import render

    nov = dt.date(2026, 11, 1)
    steps = [summary.BillStep(0, "log_estimate", "log_estimate", 1500.0, "", LABELS["log_estimate"], "estimate", True),
             summary.BillStep(3, "price_difference", "unit_price", 3.0, "", LABELS["price_difference"], "prices"),
             summary.BillStep(5, "non_token_charges", "guardrails", 160.0, "", LABELS["non_token_charges"]),
             summary.BillStep(7, "credits_and_discounts", "credit", -5.0, "", LABELS["credits_and_discounts"]),
             summary.BillStep(8, "residual", "residual", 0.0, "", LABELS["residual"]),
             summary.BillStep(9, "net_bill", "net_bill", 1658.0, "", LABELS["net_bill"], "net bill", True)]
    status = summary.BillStatus(nov, None, None, 10, 0, 0, 0, 0)
    bill = summary.BillPeriod(nov, summary.Window(nov, nov), steps, status, [], [], None)
    svg = render.waterfall_chart(bill)
    marks = {kind: (float(y), float(h)) for y, h, kind in re.findall(
        r'<rect class="mark" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"[^>]*data-kind="(\w+)"', svg)}
    start = float(re.search(r'data-axis-start-usd="([\d.]+)"', svg).group(1))  # type: ignore[union-attr]
    assert 'data-axis-break="true"' in svg and 1400 <= start < 1500
    plot_h = 380 - 30 - 44  # the chart's height less its top and bottom margins
    on_zero_axis = 3.0 / 1700 * plot_h  # the $3 step on an axis from $0: about half a pixel
    assert marks["unit_price"][1] >= 3 > 5 * on_zero_axis
    assert marks["guardrails"][1] / marks["unit_price"][1] == pytest.approx(160 / 3, rel=0.03)
    for total in ("log_estimate", "net_bill"):  # from the axis' foot, broken
        y, h = marks[total]
        assert y + h == pytest.approx(30 + plot_h, abs=0.1)
    assert svg.count('class="axis-break"') == 2 and "The axis starts at $1,450" in svg
