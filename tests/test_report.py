"""The HTML cost report (`bedrock-costs report`, src/bedrock_costs/report/): built from the sample marts, every
number it shows checked against sums queried from those marts, and the page rendered by Debian's headless Chromium."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from bedrock_costs import report, summary
from conftest import REPO, Project

SCREENSHOT = REPO / "reports" / "cost_report.png"
WINDOW = (1400, 2200)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


class Elements(HTMLParser):
    """Every element with its attributes and its own text: enough to read data-* values back."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.all: list[Element] = []
        self.open: list[Element] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.all.append(element)
        if tag not in ("meta", "br", "img", "link", "input"):
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.all.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1].text += data

    def find(self, tag: str | None = None, **attrs: str) -> list[Element]:
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.all if (tag is None or e.tag == tag)
                and all(e.attrs.get(k) == v for k, v in wanted.items())]

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        (found,) = self.find(tag, **attrs)
        return found

    def inside(self, chart: str, tag: str, cls: str) -> list[Element]:
        """Elements of a class that follow an <svg data-chart=...> and precede the next chart."""
        start = self.all.index(self.one("svg", data_chart=chart))
        following = self.all[start + 1:]
        end = next((i for i, e in enumerate(following) if e.tag == "svg"), len(following))
        return [e for e in following[:end] if e.tag == tag and cls in e.attrs.get("class", "").split()]


@dataclass
class Built:
    path: Path
    page: Elements
    html: str
    first: str
    last: str


def build(database: Path, out: Path, days: int | None = None, top: int = 10) -> Built:
    # not read_only: dbt-duckdb keeps this process's connection to the sample database open, and
    # DuckDB refuses a second connection with another configuration
    with duckdb.connect(str(database)) as con:
        report.write_report(con, out, days=days, top=top)
    html = out.read_text()
    page = Elements(html)
    main = page.one("main")
    return Built(out, page, html, main.attrs["data-period-start"], main.attrs["data-period-end"])


def copy_database(project: Project, to: Path) -> Path:
    """A copy to modify or open read-only; CHECKPOINT first, as dbt's open connection may hold the WAL."""
    project.query("checkpoint")
    shutil.copy(project.database, to)
    return to


@pytest.fixture(scope="module")
def built(sample: Project, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(sample.database, tmp_path_factory.mktemp("report") / "cost_report.html")


def scalar(project: Project, sql: str, built: Built) -> float:
    (value,) = project.query(sql.format(first=f"date '{built.first}'", last=f"date '{built.last}'"))[0]
    return float(value or 0)


def test_report_helpers_are_the_summary_helpers() -> None:
    assert report.money is summary.money and report.table is summary.table
    assert report.money(1234.5) == "$1,234.50"


def test_headline_totals_match_the_marts(sample: Project, built: Built) -> None:
    main = built.page.one("main").attrs
    where = "where usage_date between {first} and {last}"
    total = scalar(sample, f"select sum(cost_usd) from fct_daily_app_cost {where}", built)
    assert total > 0
    assert float(main["data-total-cost-usd"]) == pytest.approx(total, abs=0.005)
    assert float(main["data-priced-cost-usd"]) == pytest.approx(total, abs=0.005)
    assert int(main["data-request-count"]) == scalar(
        sample, f"select sum(request_count) from fct_daily_caller_cost {where}", built)
    assert int(main["data-unpriced-request-count"]) == 0
    tokens = scalar(sample, "select sum(input_tokens + output_tokens + cache_read_input_tokens"
                            f" + cache_write_input_tokens) from fct_daily_app_caller_cost {where}", built)
    assert int(main["data-total-tokens"]) == tokens
    share = scalar(sample, "select sum(cache_read_input_tokens) / sum(input_tokens + cache_read_input_tokens"
                           f" + cache_write_input_tokens) from fct_daily_app_cost {where}", built)
    assert float(main["data-cached-token-share"]) == pytest.approx(share, rel=1e-9)
    unattributed = scalar(
        sample, f"select sum(cost_usd) from fct_daily_caller_cost {where} and attribution_status <> 'profile'", built)
    assert float(main["data-unattributed-cost-usd"]) == pytest.approx(unattributed, abs=0.005)

    # the same numbers, as a person reads them: money like $1,234.56
    cards = {e.attrs["data-metric"]: e for e in built.page.find("div") if "data-metric" in e.attrs}
    values = {metric: next(v.text for v in built.page.all[built.page.all.index(e):] if v.attrs.get("class") == "v")
              for metric, e in cards.items()}
    assert values["total_cost_usd"] == summary.money(total)
    assert re.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d\d", values["total_cost_usd"])
    assert values["unattributed_cost_usd"] == summary.money(unattributed)
    assert values["request_count"] == f"{int(main['data-request-count']):,}"
    assert values["cost_per_1m_tokens"] == summary.money(total / tokens * 1e6)


def test_daily_chart_is_stacked_by_app_and_sums_to_the_marts(sample: Project, built: Built) -> None:
    marks = built.page.inside("daily-cost-by-app", "rect", "mark")
    per_day: dict[str, float] = defaultdict(float)
    per_app: dict[str, float] = defaultdict(float)
    for mark in marks:
        per_day[mark.attrs["data-date"]] += float(mark.attrs["data-cost-usd"])
        per_app[mark.attrs["data-app"]] += float(mark.attrs["data-cost-usd"])
    expected = dict(sample.query(
        f"select cast(usage_date as varchar), sum(cost_usd) from fct_daily_app_cost "
        f"where usage_date between date '{built.first}' and date '{built.last}' group by 1"))
    assert per_day.keys() == expected.keys() and len(expected) == 4
    for day, cost in expected.items():
        assert per_day[day] == pytest.approx(cost, abs=0.005), day
    apps = dict(sample.query("select app, sum(cost_usd) from fct_daily_app_cost group by 1"))
    for app, cost in per_app.items():
        if app != "other apps":
            assert cost == pytest.approx(apps[app], abs=0.005), app
    assert "unattributed" in per_app
    # stacked: several apps share each day's bar
    assert all(sum(1 for m in marks if m.attrs["data-date"] == day) > 1 for day in expected)
    # the day's total is printed above its bar, as money
    labels = [e.text for e in built.page.inside("daily-cost-by-app", "text", "value")]
    assert labels and all(label.startswith("$") for label in labels)


def test_top_callers_split_direct_from_via_profile(sample: Project, built: Built) -> None:
    rows = built.page.inside("top-callers", "g", "row")
    expected = sample.query(f"""
        select caller_arn, sum(cost_usd),
               coalesce(sum(cost_usd) filter (where attribution_status = 'direct'), 0),
               coalesce(sum(cost_usd) filter (where attribution_status <> 'direct'), 0)
        from fct_daily_caller_cost
        where usage_date between date '{built.first}' and date '{built.last}'
        group by caller_arn order by 2 desc limit 10""")
    assert [r.attrs["data-caller-arn"] for r in rows] == [arn for arn, *_ in expected]
    for row, (arn, cost, direct, via_profile) in zip(rows, expected, strict=True):
        assert float(row.attrs["data-cost-usd"]) == pytest.approx(cost, abs=0.005), arn
        assert float(row.attrs["data-direct-cost-usd"]) == pytest.approx(direct, abs=0.005), arn
        assert float(row.attrs["data-profile-cost-usd"]) + float(row.attrs["data-unmapped-profile-cost-usd"]) \
            == pytest.approx(via_profile, abs=0.005), arn
    segments = {m.attrs["data-segment"] for m in built.page.inside("top-callers", "rect", "mark")}
    assert {"direct", "profile"} <= segments, "the sample has both direct and via-profile callers"


def test_model_mix_cache_share_and_unattributed_match_the_marts(sample: Project, built: Built) -> None:
    span = f"usage_date between date '{built.first}' and date '{built.last}'"
    models = dict(sample.query(
        f"select coalesce(model_id, ''), sum(cost_usd) from fct_daily_app_cost where {span} group by 1"))
    rows = built.page.inside("model-mix", "g", "row")
    assert {r.attrs["data-model"]: pytest.approx(float(r.attrs["data-cost-usd"]), abs=0.005) for r in rows} == models

    cache = dict(sample.query(f"""
        select app,
               sum(cache_read_input_tokens) / sum(input_tokens + cache_read_input_tokens + cache_write_input_tokens)
        from fct_daily_app_cost where {span} group by app"""))
    shares = {r.attrs["data-app"]: float(r.attrs["data-cached-token-share"])
              for r in built.page.inside("cache-share", "g", "row")}
    assert shares == {app: pytest.approx(share, rel=1e-9) for app, share in cache.items()}

    unattributed = {arn: cost for arn, cost in sample.query(f"""
        select caller_arn, sum(cost_usd) from fct_daily_caller_cost
        where {span} and attribution_status <> 'profile' group by 1 order by 2 desc limit 10""")}
    rows = built.page.inside("unattributed", "g", "row")
    assert {r.attrs["data-caller-arn"]: pytest.approx(float(r.attrs["data-cost-usd"]), abs=0.005)
            for r in rows} == unattributed
    heading = next(e for e in built.page.find("h2") if e.text.startswith("Unattributed spend"))
    total = scalar(sample, "select sum(cost_usd) from fct_daily_app_cost where attribution_status <> 'profile' "
                           "and usage_date between {first} and {last}", built)
    assert heading.text == f"Unattributed spend: {summary.money(total)}"


def test_report_is_one_offline_file(built: Built) -> None:
    assert built.html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", built.html, re.I), "no network resource"
    assert not re.search(r"@import|url\(|<link\b|<script\b[^>]*\bsrc=|<img\b|<iframe\b", built.html, re.I)
    assert len(built.page.find("svg")) >= 5


def check_budgets(project: Project, database: Path, page: Elements) -> None:
    """The budget chart shows each budgeted app's month-to-date spend of the latest month, as in the mart."""
    with duckdb.connect(str(database)) as con:
        expected = dict(con.sql("""
            select app, mtd_cost_usd from fct_app_budget_status
            where month_start_date = (select max(month_start_date) from fct_app_budget_status)
              and monthly_budget_usd > 0""").fetchall())
    bars = {b.attrs["data-app"]: float(b.attrs["data-mtd-cost-usd"]) for b in page.inside("budget-status", "g", "row")}
    assert bars == {app: pytest.approx(float(cost), abs=0.005) for app, cost in expected.items()}


def test_optional_sections_follow_the_catalog(sample: Project, built: Built) -> None:
    """The FinOps marts may or may not exist yet: their sections appear exactly when they do."""
    existing = {name for (name,) in sample.query("select table_name from information_schema.tables")}
    shown = {e.attrs["data-source"] for e in built.page.find("section") if "data-source" in e.attrs}
    assert shown == existing & set(report.OPTIONAL_MARTS)
    if "fct_app_budget_status" in shown:
        check_budgets(sample, sample.database, built.page)


def test_report_without_the_finops_marts(sample: Project, tmp_path: Path) -> None:
    """Before the FinOps marts are built (or on a database that predates them) the report still renders."""
    database = copy_database(sample, tmp_path / "core.duckdb")
    with duckdb.connect(str(database)) as con:
        for name in report.OPTIONAL_MARTS:
            con.sql(f"drop table if exists {name}")
    page = build(database, tmp_path / "cost_report.html")
    assert page.page.one("main").attrs["data-optional-sections"] == ""
    assert not [e for e in page.page.find("section") if "data-source" in e.attrs]
    assert len(page.page.find("svg")) == 5


def test_budget_and_anomaly_sections_render_when_their_marts_exist(sample: Project, tmp_path: Path) -> None:
    """With the FinOps marts (stand-ins with their columns when they are not built yet), and an anomaly."""
    database = copy_database(sample, tmp_path / "finops.duckdb")
    with duckdb.connect(str(database)) as con:
        tables = {name for (name,) in con.sql("select table_name from information_schema.tables").fetchall()}
        if "fct_app_budget_status" not in tables:
            con.sql("""
                create table fct_app_budget_status as
                select app, date_trunc('month', max(usage_date))::date as month_start_date, 500.0 as monthly_budget_usd,
                       sum(cost_usd) as mtd_cost_usd, sum(cost_usd) * 1.9 as trailing_7d_forecast_usd,
                       100 * sum(cost_usd) / 500.0 as pct_of_budget,
                       case when sum(cost_usd) >= 500 then 'over_budget' else 'on_track' end as budget_status
                from fct_daily_app_cost where app <> 'unattributed' group by app""")
        if "fct_cost_anomalies" not in tables:
            con.sql("""
                create table fct_cost_anomalies (anomaly_type varchar, dimension varchar, entity_key varchar,
                    entity_name varchar, model_id varchar, started_at timestamp, cost_usd double,
                    expected_cost_usd double, spend_ratio double, description varchar, usage_date date)""")
        con.sql("""
            insert into fct_cost_anomalies (anomaly_type, dimension, entity_key, entity_name, started_at, cost_usd,
                                            expected_cost_usd, spend_ratio, description, usage_date)
            select 'spend_spike', 'app', 'support-chat', 'support-chat', max(usage_date) + interval 1 hour, 1234.5,
                   100.0, 12.345, 'app support-chat spent $1,234.50, 12.3x its usual', max(usage_date)
            from fct_daily_app_cost""")
        anomalies = con.sql("""
            select count(*) from fct_cost_anomalies
            where usage_date between (select min(usage_date) from fct_daily_app_cost)
                                 and (select max(usage_date) from fct_daily_app_cost)""").fetchone()[0]
    page = build(database, tmp_path / "cost_report.html")
    sections = {e.attrs["data-section"]: e for e in page.page.find("section")}
    assert {"budgets", "anomalies"} <= set(page.page.one("main").attrs["data-optional-sections"].split())
    assert int(sections["anomalies"].attrs["data-rows"]) == min(
        anomalies, report.OPTIONAL_MARTS["fct_cost_anomalies"].limit)
    cells = [e.text for e in page.page.find("td")]
    assert "$1,234.50" in cells and "12.3×" in cells and "spend spike" in cells  # noqa: RUF001 (the multiplication sign the report prints)
    check_budgets(sample, database, page.page)


def test_unpriced_and_unmapped_calls_are_called_out(sample: Project, tmp_path: Path) -> None:
    """A NULL cost is never shown as a total: the card says what is missing, and an unmapped profile is a route."""
    database = tmp_path / "unpriced.duckdb"
    copy_database(sample, database)
    with duckdb.connect(str(database)) as con:
        for mart in ("fct_daily_app_cost", "fct_daily_caller_cost"):
            con.sql(f"""
                update {mart} set cost_usd = null, unpriced_request_count = request_count
                where model_id = (select max(model_id) from {mart})""")
        con.sql("""
            update fct_daily_caller_cost set attribution_status = 'unmapped_profile', model_id = null
            where attribution_status = 'direct' and caller_arn = (
                select max(caller_arn) from fct_daily_caller_cost where attribution_status = 'direct')""")
        con.sql("""
            update fct_daily_app_cost set attribution_status = 'unmapped_profile', model_id = null
            where attribution_status = 'direct' and usage_date = (select min(usage_date) from fct_daily_app_cost)""")
    page = build(database, tmp_path / "cost_report.html")
    main = page.page.one("main").attrs
    assert main["data-total-cost-usd"] == "" and int(main["data-unpriced-request-count"]) > 0
    assert "requests have no price" in page.html
    assert "via unmapped profile" in page.html
    assert page.page.find("g", data_model="")  # the unmapped profile's calls, as their own model row


def test_cli_writes_the_report_and_prints_a_table(sample: Project, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r" / "cost_report.html"
    database = tmp_path / "copy.duckdb"  # the CLI opens read-only: a copy, away from dbt's open connection
    copy_database(sample, database)
    assert report.main(["--database", str(database), "--out", str(out), "--days", "2"]) == 0
    printed = capsys.readouterr()
    assert out.exists() and "total cost" in printed.out and "$" in printed.out
    assert "reading the marts" in printed.err  # progress on stderr, the summary on stdout
    page = Elements(out.read_text()).one("main").attrs
    assert (page["data-period-start"], page["data-period-end"]) == ("2026-11-03", "2026-11-04")
    assert report.main(["--database", str(tmp_path / "missing.duckdb"), "--out", str(out)]) == 1
    assert "ERROR [NoDatabase]" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# The browser: Debian's headless Chromium.


@pytest.fixture(scope="module")
def chromium() -> str:
    """Chromium on PATH, installed by scripts/ensure_chromium.sh when missing; skip only if that fails."""
    if report.chromium_binary() is None:
        run = subprocess.run(["bash", str(REPO / "scripts" / "ensure_chromium.sh")], capture_output=True, text=True)
        if report.chromium_binary() is None:
            reason = (run.stderr.strip().splitlines() or ["no reason given"])[-1]
            pytest.skip(f"chromium cannot be installed here, so the report was not checked in a browser: {reason}")
    return str(report.chromium_binary())


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_charts_render_in_headless_chromium(chromium: str, sample: Project, built: Built) -> None:
    dom = Elements(report.rendered_dom(built.path, WINDOW))
    charts = built.page.find("svg")
    assert int(dom.one("body").attrs["data-charts-rendered"]) == len(charts) >= 5
    for chart in charts:
        name = chart.attrs["data-chart"]
        rendered = dom.one("svg", data_chart=name).attrs
        assert int(rendered["data-rendered-width"]) > 300, name
        assert int(rendered["data-rendered-height"]) > 60, name
        marks = built.page.inside(name, "rect", "mark")
        assert marks and int(rendered["data-rendered-marks"]) == len(marks), f"{name}: every bar has a visible box"
    # the numbers survive the browser: the DOM it built carries the marts' totals
    total = scalar(sample, "select sum(cost_usd) from fct_daily_app_cost where usage_date between {first} and {last}",
                   built)
    assert float(dom.one("main").attrs["data-total-cost-usd"]) == pytest.approx(total, abs=0.005)
    daily_chart = dom.one("svg", data_chart="daily-cost-by-app")
    assert float(daily_chart.attrs["data-total-cost-usd"]) == pytest.approx(total, abs=0.005)
    assert any(e.text == summary.money(total) for e in dom.find("div"))


def test_screenshot_is_saved_to_reports(chromium: str, built: Built) -> None:
    SCREENSHOT.unlink(missing_ok=True)
    report.screenshot(built.path, SCREENSHOT, WINDOW)
    assert png_size(SCREENSHOT) == WINDOW
    # a blank 1400x2200 page compresses to a few KB; charts, cards and text take far more
    assert SCREENSHOT.stat().st_size > 60_000
