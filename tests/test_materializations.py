"""The project's view materialization on DuckDB (macros/materializations/view.sql): one statement
a view, `create or replace view`, the rows the model selects, and a table of its name replaced."""

from __future__ import annotations

from pathlib import Path

import duckdb

from conftest import generate, make_project


def test_a_view_is_one_statement_and_replaces_a_table_of_its_name(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    generate(logs, records=300, days=1, start="2026-11-01", seed=3)
    project = make_project(tmp_path / "project", logs)
    first = project.dbt("build", "--select", "+rpt_daily_totals", "--indirect-selection", "cautious")
    assert first.success
    assert first.statuses()["rpt_daily_totals"] == "success"
    # what dbt sent for the view: one create, in place, and no temporary or backup relation
    node = "On model.bedrock_costs.rpt_daily_totals: /* "  # each statement dbt sent, after its query comment
    sent = [m.split("*/", 1)[1].strip() for m in first.messages if m.startswith(node)]
    assert len(sent) == 1 and sent[0].startswith("create or replace view "), sent
    assert not [m for m in first.messages if "rpt_daily_totals__dbt_" in m]
    # the view's rows are the mart's day totals, summed here independently
    want = project.query("select usage_date, sum(request_count), round(sum(cost_usd), 9) "
                         "from main.fct_daily_app_cost group by 1 order by 1")
    totals = "select usage_date, request_count, round(priced_cost_usd, 9) from main.rpt_daily_totals order by 1"
    assert project.query(totals) == want and want[0][1] > 0

    # a model that was a table (an older release, a hand-made copy) becomes the view again
    with duckdb.connect(str(project.database)) as con:
        con.execute("drop view main.rpt_daily_totals")
        con.execute("create table main.rpt_daily_totals as select 1 as planted")
    again = project.dbt("run", "--select", "rpt_daily_totals")
    assert again.success, [m for m in again.messages if "rror" in m]
    (kind,), = project.query("select table_type from information_schema.tables where table_name = 'rpt_daily_totals'")
    assert kind == "VIEW"
    assert project.query(totals) == want
