"""The HTML cost report (`bedrock-costs report`, src/bedrock_costs/report/): built from the sample marts, every
number it shows checked against sums queried from those marts, and the page rendered by Debian's headless Chromium."""

from __future__ import annotations

import datetime as dt
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
from conftest import REPO, Project, reporting_views

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
    # the one meaning of app: spend of the app `unattributed` (no mapped profile, no trusted gateway's app)
    unattributed = scalar(
        sample, f"select sum(cost_usd) from fct_daily_app_caller_cost {where} and app = 'unattributed'", built)
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
        select caller_arn, sum(cost_usd) from fct_daily_app_caller_cost
        where {span} and app = 'unattributed' group by 1 order by 2 desc limit 10""")}
    rows = built.page.inside("unattributed", "g", "row")
    assert {r.attrs["data-caller-arn"]: pytest.approx(float(r.attrs["data-cost-usd"]), abs=0.005)
            for r in rows} == unattributed
    heading = next(e for e in built.page.find("h2") if e.text.startswith("Unattributed spend"))
    total = scalar(sample, "select sum(cost_usd) from fct_daily_app_cost where app = 'unattributed' "
                           "and usage_date between {first} and {last}", built)
    assert heading.text == f"Unattributed spend: {summary.money(total)}"


def test_models_and_apps_never_share_a_colour(built: Built) -> None:
    """A colour means an app in the daily chart and a model in the model mix, never both."""
    app_colours = {m.attrs["fill"] for m in built.page.inside("daily-cost-by-app", "rect", "mark")}
    model_colours = {m.attrs["fill"] for m in built.page.inside("model-mix", "rect", "mark")
                     if m.attrs.get("data-segment") == "cost"}
    assert len(model_colours) > 3 and not (model_colours - {"#6f6f6f"}) & app_colours


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
    assert len(page.page.find("svg")) == 6  # daily, team, callers, model mix, cache share, unattributed


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
        # the same caller's unattributed spend in the app-caller mart (an unmapped profile's model is unknown)
        con.sql("""
            update fct_daily_app_caller_cost set model_id = null
            where app = 'unattributed' and caller_arn = (
                select max(caller_arn) from fct_daily_caller_cost where attribution_status = 'unmapped_profile')""")
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


@pytest.mark.parametrize("width", [390, 1400, 1920])
def test_the_page_fits_every_width_from_a_phone_to_a_wide_screen(chromium: str, built: Built, width: int) -> None:
    """Laid out by Chromium at the device's width (the DevTools protocol: a phone's 390 px is below the
    narrowest window Chromium opens): the page is exactly as wide as the viewport, so nobody scrolls
    sideways, and nothing spills out of its card or section. At 1400 px and up no table even scrolls
    inside its section; on a phone a wide table does (its .table-wrap), and only a table."""
    png = REPO / "reports" / f"cost_report_{width}px.png"
    png.unlink(missing_ok=True)
    layout = report.screenshot_at(built.path, png, width, WINDOW[1])
    assert layout.client_width == width
    assert layout.scroll_width == layout.client_width, f"{width} px: the page is {layout.scroll_width} px wide"
    assert [box for box in layout.wider_than_box if not box.startswith("table-wrap:")] == [], layout.wider_than_box
    if width >= WINDOW[0]:
        assert layout.wider_than_box == []
    assert layout.charts == len(built.page.find("svg"))
    assert png_size(png) == (width, WINDOW[1]) and png.stat().st_size > 30_000


def test_screenshot_is_saved_to_reports(chromium: str, built: Built) -> None:
    SCREENSHOT.unlink(missing_ok=True)
    report.screenshot(built.path, SCREENSHOT, WINDOW)
    assert png_size(SCREENSHOT) == WINDOW
    # a blank 1400x2200 page compresses to a few KB; charts, cards and text take far more
    assert SCREENSHOT.stat().st_size > 60_000


# ---------------------------------------------------------------------------------------------
# Windows, the previous period, teams and cost centers, roles: on the sample, and on marts made by hand.


def section_rows(page: Elements, name: str) -> list[list[str]]:
    """The cell texts of each body row of the tables in one section."""
    start = page.all.index(page.one("section", data_section=name))
    rows: list[list[str]] = []
    for element in page.all[start + 1:]:
        if element.tag == "section":
            break
        if element.tag == "tr":
            rows.append([])
        elif element.tag == "td" and rows:
            rows[-1].append(element.text)
    return [row for row in rows if row]


def window_words(page: Elements, name: str) -> tuple[str, str]:
    """The window a section states under its title, in bold, and the sentence after it."""
    start = page.all.index(page.one("section", data_section=name))
    at = next(i for i in range(start, len(page.all))
              if page.all[i].tag == "p" and page.all[i].attrs.get("class") == "window")
    bold = page.all[at + 1]
    why = page.all[at + 2] if len(page.all) > at + 2 and page.all[at + 2].attrs.get("class") == "why" else None
    return bold.text, why.text if why else ""


def days_words(first: dt.date, last: dt.date) -> str:
    n = (last - first).days + 1
    return f"{first:%d %b %Y} to {last:%d %b %Y} (UTC, {n} day{'s' if n != 1 else ''})"


def iso(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def test_every_section_states_its_window(sample: Project, built: Built) -> None:
    """The report's own sections cover the report's days; each FinOps section states its real window, and why."""
    first, last = iso(built.first), iso(built.last)
    sections = {e.attrs["data-section"]: e for e in built.page.find("section")}
    own = {"daily", "apps", "teams", "callers", "models", "cache", "unattributed", "model-table"}
    assert own <= sections.keys()
    for name in own:
        attrs = sections[name].attrs
        assert (attrs["data-window-start"], attrs["data-window-end"]) == (built.first, built.last), name
        assert window_words(built.page, name) == (days_words(first, last), ""), name

    tables = {name for (name,) in sample.query("select table_name from information_schema.tables")}
    (data_first,) = sample.query("select min(usage_date) from fct_daily_app_cost")[0]
    for mart, name in (("fct_model_whatif", "savings"), ("fct_app_cache_economics", "cache-economics")):
        if mart not in tables:
            continue
        start, end = sample.query(f"select min(window_start_date), max(window_end_date) from {mart}")[0]
        assert (iso(sections[name].attrs["data-window-start"]), iso(sections[name].attrs["data-window-end"])) \
            == (start, end), name
        words, why = window_words(built.page, name)
        expected = days_words(start, end) + (f", data from {data_first:%d %b %Y}" if start < data_first else "")
        assert words == expected and why.startswith("Not the report's window"), name
        assert (start, end) != (first, last), f"{name}: the sample's 30-day window is not the report's {built.first}"
    if "fct_app_budget_status" in tables:
        start, through = sample.query("""
            select min(month_start_date), max(through_date) from fct_app_budget_status
            where month_start_date = (select max(month_start_date) from fct_app_budget_status)""")[0]
        why = "Not the report's window: budgets are monthly, so this is the latest month to date."
        assert window_words(built.page, "budgets") == (
            days_words(start, through), why if (start, through) != (first, last) else "")
    if "fct_cost_anomalies" in tables:
        words, why = window_words(built.page, "anomalies")
        start, end = sample.query("select min(window_start_date), max(window_end_date) from fct_cost_anomalies")[0]
        # the mart states its detection days; without an anomaly the section keeps the report's window
        assert words == (days_words(start, end) if start is not None else days_words(first, last))
        assert "detection days" in why


def app_team_costs(project: Project, first: dt.date, last: dt.date) -> dict[tuple[str, str, str], float]:
    """Cost per app, team and attribution source, from the app-caller mart (not the one the report reads)."""
    return {(a, t, s): float(c or 0) for a, t, s, c in project.query(f"""
        select app, team, attribution_source, sum(cost_usd) from fct_daily_app_caller_cost
        where usage_date between date '{first}' and date '{last}' group by all""")}


def test_change_against_the_previous_period(sample: Project, tmp_path: Path) -> None:
    """--days 2 on the 4-day sample: every app and team, and the headline, against the 2 days before."""
    page = build(sample.database, tmp_path / "cost_report.html", days=2)
    first, last = iso(page.first), iso(page.last)
    before_first, before_last = first - dt.timedelta(days=2), first - dt.timedelta(days=1)
    now, before = app_team_costs(sample, first, last), app_team_costs(sample, before_first, before_last)
    assert before, "the sample has data in the previous period"
    rows = section_rows(page.page, "apps")
    shown = {(r[0], r[1], r[2]): r for r in rows}
    assert shown.keys() == now.keys() | before.keys()
    for key, row in shown.items():
        cost, previous = now.get(key, 0.0), before.get(key, 0.0)
        assert row[4] == summary.money(cost) and row[5] == summary.money(previous), key
        expected = f"{cost / previous - 1:+.1%}" if previous else ("new" if cost else "")
        assert row[7] == expected, key

    main = page.page.one("main").attrs
    assert (main["data-previous-start"], main["data-previous-end"]) == (str(before_first), str(before_last))
    if "budgets" in main["data-optional-sections"].split():  # a month to date is not these 2 days, and says so
        assert window_words(page.page, "budgets")[1].startswith("Not the report's window: budgets are monthly")
    total, previous_total = sum(now.values()), sum(before.values())
    assert float(main["data-previous-cost-usd"]) == pytest.approx(previous_total, abs=0.005)
    card = page.page.one("div", data_metric="total_cost_usd")
    sub = next(e.text for e in page.page.all[page.page.all.index(card):] if e.attrs.get("class") == "s")
    assert sub == f"{total / previous_total - 1:+.1%} vs the previous 2 days ({summary.money(previous_total)})"


def test_no_change_without_a_previous_period(built: Built) -> None:
    """All 4 days of the sample: the 4 days before hold no data, so no change is made up."""
    main = built.page.one("main").attrs
    assert main["data-previous-cost-usd"] == ""
    assert all(row[5] == "" and row[7] == "n/a" for row in section_rows(built.page, "apps"))
    assert "no data before" in built.html


def test_team_and_cost_center_view(sample: Project, tmp_path: Path) -> None:
    page = build(sample.database, tmp_path / "cost_report.html", days=2)
    first, last = iso(page.first), iso(page.last)
    before_first = first - dt.timedelta(days=2)

    def per_team(a: dt.date, b: dt.date) -> dict[tuple[str, str], float]:
        return {(t, c or ""): float(v or 0) for t, c, v in sample.query(f"""
            select team, cost_center, sum(cost_usd) from fct_daily_app_cost
            where usage_date between date '{a}' and date '{b}' group by all""")}

    now, before = per_team(first, last), per_team(before_first, first - dt.timedelta(days=1))
    bars = {(b.attrs["data-team"], b.attrs["data-cost-center"]): b.attrs
            for b in page.page.inside("team-cost", "g", "row")}
    assert bars.keys() == now.keys() | before.keys()
    for key, attrs in bars.items():
        assert float(attrs["data-cost-usd"]) == pytest.approx(now.get(key, 0.0), abs=0.005), key
        assert float(attrs["data-previous-cost-usd"]) == pytest.approx(before.get(key, 0.0), abs=0.005), key
    table_rows = {(r[0], r[1]): r for r in section_rows(page.page, "teams")}
    assert {k: (r[4], r[5]) for k, r in table_rows.items()} == {
        k: (summary.money(now.get(k, 0.0)), summary.money(before.get(k, 0.0))) for k in bars}
    apps = {(t, c or ""): a for t, c, a in sample.query(f"""
        select team, cost_center, string_agg(distinct app, ', ' order by app) from fct_daily_app_caller_cost
        join (select distinct app, team, cost_center from fct_daily_app_cost) using (app, team)
        where usage_date between date '{first}' and date '{last}' group by all""")}
    assert {k: r[2] for k, r in table_rows.items() if k in now} == apps


SSO_SUFFIX = re.compile(r"_[0-9a-f]{16}$")


def expected_label(arn: str, caller_type: str) -> str:
    """session (or user) · role, read from the ARN itself: arn:aws:sts::1:assumed-role/<role>/<session>."""
    resource = arn.split(":", 5)[5]
    if resource.startswith("assumed-role/"):
        _, role, session = resource.split("/", 2)
        return f"{session} · {SSO_SUFFIX.sub('', role)}"
    return f"{resource.rsplit('/', 1)[-1]} · ({caller_type.replace('_', ' ')})"


def test_callers_show_their_role_beside_the_session_name(sample: Project, built: Built) -> None:
    rows = built.page.inside("top-callers", "g", "row")
    labels = [e.text for e in built.page.inside("top-callers", "text", "label")]
    types = dict(sample.query("select distinct caller_arn, caller_type from fct_daily_caller_cost"))
    assert len(labels) == len(rows) == 10
    for row, label in zip(rows, labels, strict=True):
        arn = row.attrs["data-caller-arn"]
        # two callers of the same name also show their account: "name · role (111122223333)"
        assert label.startswith(expected_label(arn, types[arn])), (arn, label)
    assert any("AWSReservedSSO_" in label and not SSO_SUFFIX.search(label.split(" · ")[1]) for label in labels)


# Marts made by hand, so every expected number is worked out on paper (4 days, 1-4 Nov 2026).
HAND_CALLERS = {
    "chat": ("arn:aws:sts::111122223333:assumed-role/chat-role/chat-handler", "assumed_role", "chat-role"),
    "gateway": ("arn:aws:sts::111122223333:assumed-role/llm-gateway/litellm-proxy", "assumed_role", "llm-gateway"),
    "dev": ("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0123456789abcdef/ana@example.com", "sso_user",
            "AWSReservedSSO_Dev_0123456789abcdef"),
    "indexer": ("arn:aws:iam::111122223333:user/indexer", "iam_user", None),
}
#   app, team, cost_center, attribution_status, attribution_source, caller, cost_usd, day of November
HAND_ROWS = [
    ("chat", "cx", "CC-1", "profile", "profile", "chat", 10.0, 1),
    ("search", "kn", "CC-3", "profile", "profile", "indexer", 5.0, 2),
    ("sales-copilot", "sales", "unattributed", "direct", "request_metadata", "gateway", 1.5, 1),
    ("chat", "cx", "CC-1", "profile", "profile", "chat", 20.0, 3),
    ("sales-copilot", "sales", "unattributed", "direct", "request_metadata", "gateway", 3.0, 4),
    ("unattributed", "unattributed", "unattributed", "direct", "unattributed", "dev", 1.0, 4),
]
MEASURES = ("request_count bigint, input_tokens bigint, output_tokens bigint, cache_read_input_tokens bigint, "
            "cache_write_input_tokens bigint, error_count bigint, unpriced_request_count bigint, cost_usd double")


def hand_marts(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.sql(f"""create table fct_daily_app_cost (app varchar, team varchar, cost_center varchar,
            environment varchar, model_id varchar, attribution_status varchar, attribution_source varchar,
            {MEASURES}, usage_date date)""")
        con.sql(f"""create table fct_daily_caller_cost (account_id varchar, caller_arn varchar, caller_name varchar,
            caller_type varchar, caller_role varchar, department varchar, model_id varchar,
            attribution_status varchar, {MEASURES}, usage_date date)""")
        con.sql(f"""create table fct_daily_app_caller_cost (app varchar, team varchar, attribution_source varchar,
            caller_arn varchar, caller_name varchar, model_id varchar, {MEASURES}, usage_date date)""")
        for app, team, center, status, source, caller, cost, day in HAND_ROWS:
            arn, kind, role = HAND_CALLERS[caller]
            name, date = arn.rsplit("/", 1)[-1], dt.date(2026, 11, day)
            measures = [int(cost), int(cost) * 100, 10, 0, 0, 0, 0, cost]
            con.execute("insert into fct_daily_app_cost values "
                        "(?, ?, ?, 'prod', 'm1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [app, team, center, status, source, *measures, date])
            con.execute("insert into fct_daily_caller_cost values "
                        "('111122223333', ?, ?, ?, ?, 'x', 'm1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [arn, name, kind, role, status, *measures, date])
            con.execute("insert into fct_daily_app_caller_cost values (?, ?, ?, ?, ?, 'm1', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [app, team, source, arn, name, *measures, date])
    return reporting_views(path, path.parent / "reporting")  # the report reads the reporting models over them


def test_report_on_marts_made_by_hand(tmp_path: Path) -> None:
    """The last 2 days (3-4 Nov) against 1-2 Nov: numbers worked out by hand from HAND_ROWS."""
    page = build(hand_marts(tmp_path / "hand.duckdb"), tmp_path / "cost_report.html", days=2)
    main = page.page.one("main").attrs
    assert (page.first, page.last) == ("2026-11-03", "2026-11-04")
    assert float(main["data-total-cost-usd"]) == 24.0            # chat 20 + sales-copilot 3 + unattributed 1
    assert float(main["data-previous-cost-usd"]) == 16.5         # chat 10 + search 5 + sales-copilot 1.5
    # one meaning of app: sales-copilot (named by the trusted gateway) is an app, not unattributed spend
    assert float(main["data-unattributed-cost-usd"]) == 1.0
    apps = {r[0]: r for r in section_rows(page.page, "apps")}
    assert {a: (r[2], r[4], r[5], r[6], r[7]) for a, r in apps.items()} == {
        "chat": ("profile", "$20.00", "$10.00", "+$10.00", "+100.0%"),
        "sales-copilot": ("request_metadata", "$3.00", "$1.50", "+$1.50", "+100.0%"),
        "unattributed": ("unattributed", "$1.00", "$0.00", "+$1.00", "new"),
        "search": ("profile", "$0.00", "$5.00", "-$5.00", "-100.0%"),
    }
    teams = {(r[0], r[1]): (r[2], r[4], r[5], r[7]) for r in section_rows(page.page, "teams")}
    assert teams == {
        ("cx", "CC-1"): ("chat", "$20.00", "$10.00", "+100.0%"),
        ("sales", "unattributed"): ("sales-copilot", "$3.00", "$1.50", "+100.0%"),
        ("unattributed", "unattributed"): ("unattributed", "$1.00", "$0.00", "new"),
        ("kn", "CC-3"): ("", "$0.00", "$5.00", "-100.0%"),
    }
    card = page.page.one("div", data_metric="total_cost_usd")
    assert any(e.text == "+45.5% vs the previous 2 days ($16.50)"  # 24 / 16.5 - 1
               for e in page.page.all[page.page.all.index(card):][:6])
    labels = [e.text for e in page.page.inside("top-callers", "text", "label")]
    assert labels == ["chat-handler · chat-role", "litellm-proxy · llm-gateway", "ana@example.com · AWSReservedSSO_Dev"]
    gateway = page.page.one("g", data_caller="litellm-proxy").attrs
    assert gateway["data-apps"] == "sales-copilot"
    unattributed = [r.attrs["data-caller"] for r in page.page.inside("unattributed", "g", "row")]
    assert unattributed == ["ana@example.com"]  # not the gateway: its calls named their app
