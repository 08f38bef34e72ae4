"""The Superset dashboards (dashboards/superset/) over a sample with a bill: Superset imports the
bundle, serves it on 127.0.0.1, and headless Chromium renders each dashboard; the figures on the page
are the generator's ground truth (app_daily_cost.csv, usage_hourly.csv, planted_*.json,
bill_truth.json) and seeds/app_budgets.csv, never what the marts say.

Superset is installed once into a virtualenv of its own (~/.cache/bedrock-costs, tests/venvs.py)."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.parse
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import bundle  # dashboards/superset/ (the test path)
import pytest
import serve

from bedrock_costs.report import chromium_binary
from bedrock_costs.report.chromium import chromium
from conftest import GENERATOR, REPO
from tool_venvs import ToolVenvError

START = "2026-11-01"


def money(value: float) -> str:
    """Superset's $,.2f."""
    return f"-${-value:,.2f}" if round(value, 2) < 0 else f"${value:,.2f}"


class Cells(HTMLParser):
    """The rows of every table on the page (cell texts), and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def rison(value: Any) -> str:
    if isinstance(value, dict):
        return "(" + ",".join(f"{rison(k)}:{rison(v)}" for k, v in value.items()) + ")"
    if isinstance(value, list):
        return "!(" + ",".join(rison(v) for v in value) + ")"
    text = str(value)
    if re.fullmatch(r"[A-Za-z_./~-][A-Za-z0-9_./~-]*", text):
        return text
    return "'" + text.replace("!", "!!").replace("'", "!'") + "'"


def filtered(slug: str, port: int, **selection: str) -> str:
    """A dashboard's URL with its native filters set (the state a drill-down click leaves)."""
    state = {f"NATIVE_FILTER-{column}": {
        "id": f"NATIVE_FILTER-{column}", "extraFormData": {"filters": [{"col": column, "op": "IN", "val": [value]}]},
        "filterState": {"value": [value], "label": value}, "ownState": {}} for column, value in selection.items()}
    query = f"?native_filters={urllib.parse.quote(rison(state), safe='')}" if selection else ""
    return f"http://127.0.0.1:{port}/superset/dashboard/{slug}/{query}"


def render(url: str) -> Cells:
    dom = chromium(["--dump-dom", "--window-size=1600,4000", "--virtual-time-budget=30000", url], timeout=180).stdout
    page = Cells()
    page.feed(dom)
    return page


def row(page: Cells, first: str, *rest: str) -> list[str]:
    found = [cells for cells in page.rows if cells[:1 + len(rest)] == [first, *rest]]
    assert len(found) == 1, (first, rest, page.rows)
    return found[0]


@dataclass(frozen=True)
class Sample:
    logs: Path
    database: Path
    root: Path


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    """Four days of sample logs with a bill, built by dbt in a process of its own (so that nothing in
    this one holds the DuckDB file Superset opens)."""
    root = tmp_path_factory.mktemp("dashboards")
    logs = root / "logs"
    subprocess.run([sys.executable, str(GENERATOR), "--records", "3000", "--days", "4", "--start-date", START,
                    "--seed", "21", "--cur", "--out", str(logs), "--quiet", "--workers", "2"],
                   check=True, capture_output=True)
    shutil.copy(REPO / "profiles.yml.example", root / "profiles.yml")
    database = root / "bedrock_costs.duckdb"
    env = {**os.environ, "BEDROCK_LOGS_PATH": str(logs), "BEDROCK_CUR_PATH": str(logs / "cur"),
           "DBT_DUCKDB_PATH": str(database), "DBT_TARGET": "local", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    built = subprocess.run([str(Path(sys.executable).parent / "dbt"), "build", "--quiet", "--project-dir", str(REPO),
                            "--profiles-dir", str(root), "--target-path", str(root / "target"),
                            "--log-path", str(root / "dbt_logs")], env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-5000:]
    return Sample(logs, database, root)


@pytest.fixture(scope="module")
def port(sample: Sample) -> Iterator[int]:
    if chromium_binary() is None:
        pytest.skip("chromium is not installed (scripts/ensure_chromium.sh installs it)")
    home = sample.root / "superset"
    try:
        venv, dashboards = serve.prepare(sample.database, home)
    except ToolVenvError as error:
        pytest.skip(str(error))
    assert [d.slug for d in dashboards] == [d.slug for d in bundle.DASHBOARDS], "the bill marts exist: all four"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    server = serve.start(venv, home, free, home / "superset.log")
    try:
        yield free
    finally:
        server.terminate()
        server.wait(timeout=60)


def truth(sample: Sample, name: str) -> list[dict[str, str]]:
    with (sample.logs / "ground_truth" / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_spend_shows_the_total_and_each_app_and_team(sample: Sample, port: int) -> None:
    cost: dict[tuple[str, str], float] = defaultdict(float)
    requests: dict[tuple[str, str], int] = defaultdict(int)
    for line in truth(sample, "app_daily_cost.csv"):
        cost[line["app"], line["team"]] += float(line["cost_usd"])
        requests[line["app"], line["team"]] += int(line["request_count"])
    page = render(filtered("bedrock-spend", port))
    text = " ".join(" ".join(page.text).split())
    assert f"Total cost {money(sum(cost.values()))}" in text
    assert f"Requests {sum(requests.values()):,}" in text
    for (app, team), usd in cost.items():
        assert row(page, app, team)[2:4] == [money(usd), f"{requests[app, team]:,}"], (app, team)


def test_drill_down_goes_from_an_app_to_its_callers_models_and_days(sample: Sample, port: int) -> None:
    hourly = truth(sample, "usage_hourly.csv")

    def usd(line: dict[str, str]) -> float:
        return sum(float(line[f"{kind}_cost_usd"]) for kind in ("input", "output", "cache_read", "cache_write"))

    by_app: dict[str, float] = defaultdict(float)
    for line in hourly:
        by_app[line["app"]] += usd(line)
    app = max((a for a in by_app if a != "unattributed"), key=by_app.__getitem__)
    callers: dict[str, float] = defaultdict(float)
    models: dict[str, float] = defaultdict(float)
    for line in hourly:
        if line["app"] == app:
            callers[line["caller_arn"]] += usd(line)
            models[line["model_id"]] += usd(line)

    page = render(filtered("bedrock-drill-down", port, app=app))
    caller_rows = {cells[1]: cells[2] for cells in page.rows if len(cells) == 4 and cells[1].startswith("arn:")}
    assert caller_rows == {arn: money(value) for arn, value in callers.items()}
    for model, value in models.items():
        assert row(page, model)[1] == money(value), model

    # one level down: a caller and a model of the app, day by day
    caller = max(callers, key=callers.__getitem__)
    model = max((m for line in hourly if line["app"] == app and line["caller_arn"] == caller
                 for m in [line["model_id"]]), key=models.__getitem__)
    days: dict[str, float] = defaultdict(float)
    for line in hourly:
        if (line["app"], line["caller_arn"], line["model_id"]) == (app, caller, model):
            days[line["hour_start"][:10]] += usd(line)
    page = render(filtered("bedrock-drill-down", port, app=app, caller_arn=caller, model_id=model))
    day_rows = {cells[0]: cells[1] for cells in page.rows
                if cells and re.fullmatch(r"\d{4}-\d\d-\d\d", cells[0])}
    assert day_rows == {day: money(value) for day, value in days.items()}


def test_budgets_and_anomalies_show_each_budget_and_the_planted_spike(sample: Sample, port: int) -> None:
    spent: dict[str, float] = defaultdict(float)
    for line in truth(sample, "app_daily_cost.csv"):
        spent[line["app"]] += float(line["cost_usd"])  # the sample lies within one month
    with (REPO / "seeds" / "app_budgets.csv").open(newline="") as handle:
        budgets = {line["app"]: float(line["monthly_usd"]) for line in csv.DictReader(handle)}
    page = render(filtered("bedrock-budgets-anomalies", port))
    for app, value in spent.items():
        cells = row(page, app)
        assert cells[1] == START and cells[3] == money(value), (app, cells)
        assert cells[2] == (money(budgets[app]) if app in budgets else "N/A"), (app, cells)
    planted = json.loads(next((sample.logs / "ground_truth").glob("planted_*.json")).read_text())["runaway_loop"]
    spike = row(page, "spend_spike", "app", planted["app"])
    assert spike[5] == money(planted["app_cost_usd_in_window"]), spike


def test_the_bill_shows_the_waterfall_from_the_estimate_to_the_bill(sample: Sample, port: int) -> None:
    bill = json.loads((sample.logs / "ground_truth" / "bill_truth.json").read_text())
    page = render(filtered("bedrock-bill", port))
    waterfall = [cells for cells in page.rows if len(cells) == 7 and cells[2].isdigit()]
    for account in bill["waterfall"]:
        shown = {cells[3]: cells[4] for cells in waterfall if cells[1] == account["account_id"]}
        assert shown["log_estimate"] == money(account["steps"]["log_estimate"]), account["account_id"]
        if "not_yet_billed" in account["steps"]:
            assert shown["not_yet_billed"] == money(account["steps"]["not_yet_billed"]), account["account_id"]
        assert shown["net_bill"] == money(account["net_bill_usd"]), account["account_id"]
    # billed versus estimated by app: the rows add up to the net bill
    by_app = [cells for cells in page.rows if len(cells) == 6 and cells[3].startswith(("$", "-$"))]
    assert by_app, page.rows
    net = sum(float(cells[3].replace("$", "").replace(",", "")) for cells in by_app)
    assert net == pytest.approx(sum(a["net_bill_usd"] for a in bill["waterfall"]), abs=0.005 * len(by_app))


def test_without_a_bill_the_bundle_leaves_the_bill_dashboard_out(tmp_path: Path) -> None:
    written = bundle.write_bundle(tmp_path / "bundle.zip", "duckdb:////x.duckdb", with_bill=False)
    names = zipfile.ZipFile(tmp_path / "bundle.zip").namelist()
    assert [d.slug for d in written] == ["bedrock-spend", "bedrock-drill-down", "bedrock-budgets-anomalies"]
    assert not [n for n in names if "billed" in n or "bill-" in n or "variance" in n], names
