"""One meaning of `app`: an app's spend is the same in fct_daily_app_cost, fct_app_budget_status (month to
date), the HTML report's data and the summary, whether a mapped profile named the app or a trusted
gateway's requestMetadata did."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from bedrock_costs import summary
from bedrock_costs.report import data as report_data
from conftest import Project

# In the sample: support-chat calls through its own application profiles, and sales-copilot through
# the trusted llm-gateway role, which names it in requestMetadata.
APPS = {"support-chat": "profile", "sales-copilot": "request_metadata"}


@pytest.fixture(scope="module")
def marts(sample: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only copy of the sample's marts (dbt's in-process connection keeps the original open)."""
    sample.query("checkpoint")
    copy = tmp_path_factory.mktemp("one_meaning") / "marts.duckdb"
    shutil.copy(sample.database, copy)
    return copy


@pytest.mark.parametrize("app", APPS)
def test_an_apps_spend_is_one_number_everywhere(marts: Path, app: str) -> None:
    with duckdb.connect(str(marts), read_only=True) as con:
        month_start, through, budget_mtd = con.execute("""
            select month_start_date, through_date, mtd_cost_usd from fct_app_budget_status
            where is_current_month and app = ?""", [app]).fetchone() or (None, None, None)
        assert month_start is not None, f"{app} has no row in fct_app_budget_status this month"
        sources = con.execute("""
            select distinct attribution_source from fct_daily_app_cost where app = ?""", [app]).fetchall()
        mart_mtd, = con.execute("""
            select sum(cost_usd) from fct_daily_app_cost
            where app = ? and usage_date between ? and ?""", [app, month_start, through]).fetchone() or (None,)
        app_caller_mtd, = con.execute("""
            select sum(cost_usd) from fct_daily_app_caller_cost
            where app = ? and usage_date between ? and ?""", [app, month_start, through]).fetchone() or (None,)
        days = (through - month_start).days + 1
        (data_first,) = con.execute("select min(usage_date) from fct_daily_app_cost").fetchone() or (None,)
        loaded = report_data.load(con, days=days)
        text = summary.summary(con, days=days, top=3)

    assert sources == [(APPS[app],)], f"{app} is attributed by {APPS[app]} in the sample"
    assert mart_mtd and mart_mtd > 0
    assert budget_mtd == pytest.approx(mart_mtd, abs=1e-9)
    assert app_caller_mtd == pytest.approx(mart_mtd, abs=1e-9)

    # the report, over the month to date: its app table, its daily chart and its source
    assert loaded is not None and data_first is not None
    assert (loaded.period.first, loaded.period.last) == (max(month_start, data_first), through)
    rows = [r for r in loaded.app_teams if r.app == app]
    assert [r.attribution_source for r in rows] == [APPS[app]]
    assert rows[0].cost_usd == pytest.approx(mart_mtd, abs=1e-9)
    assert sum(d.cost_usd for d in loaded.daily if d.app == app) == pytest.approx(mart_mtd, abs=1e-9)
    assert loaded.headline.unattributed_cost_usd == pytest.approx(
        sum(d.cost_usd for d in loaded.daily if d.app == "unattributed"), abs=1e-9)

    # the summary, over the same days: the app's line, to the cent
    line = next(line for line in text.splitlines() if line.startswith(f"{app} "))
    assert APPS[app] in line.split() and summary.money(mart_mtd) in line.split()


def test_unattributed_is_what_no_profile_and_no_trusted_gateway_named(marts: Path) -> None:
    """The report's unattributed spend is the app `unattributed`, not every direct call: the gateway's
    direct calls that named their app are that app's."""
    with duckdb.connect(str(marts), read_only=True) as con:
        loaded = report_data.load(con, days=None)
        assert loaded is not None
        unattributed, direct_named = con.execute("""
            select sum(cost_usd) filter (where app = 'unattributed'),
                   sum(cost_usd) filter (where app <> 'unattributed' and attribution_status <> 'profile')
            from fct_daily_app_cost""").fetchone() or (None, None)
    assert direct_named and direct_named > 0, "the sample has direct calls that a trusted gateway attributed"
    assert loaded.headline.unattributed_cost_usd == pytest.approx(unattributed, abs=1e-9)
    assert loaded.headline.direct_cost_usd + loaded.headline.unmapped_profile_cost_usd == pytest.approx(
        unattributed, abs=1e-9)
    assert sum(c.cost_usd for c in loaded.unattributed_callers) <= unattributed + 1e-9
    assert "litellm-proxy" not in {c.caller_name for c in loaded.unattributed_callers}
