"""The project's own generic data tests (macros/generic_tests/), on a small generated build: each
fails on the rows it is meant to catch, and the on-run-end hook prints what it found."""

from __future__ import annotations

from pathlib import Path

import duckdb

from conftest import generate, make_project


def test_not_null_columns_names_the_null_column_and_the_row(tmp_path: Path) -> None:
    """fct_daily_app_cost's not-null columns are one test: it passes on the built mart, and a row
    planted with a NULL team (on the day the run built, so the scoped test sees it) fails it, with a
    message naming the model, that column alone and the row's grain; a row with two NULLs names both."""
    logs = tmp_path / "logs"
    generate(logs, records=400, days=1, start="2026-11-01", seed=5)
    project = make_project(tmp_path / "project", logs)
    clean = project.dbt("build", "--select", "+fct_daily_app_cost", "--indirect-selection", "cautious")
    assert clean.success
    (name,) = [n for n in clean.statuses() if n.startswith("bedrock_costs_not_null_columns_fct_daily_app_cost")]
    assert clean.statuses()[name] == "pass"
    assert not [m for m in clean.messages if m.startswith("NULL: ")]

    with duckdb.connect(str(project.database)) as con:
        con.execute("insert into main.fct_daily_app_cost select * replace ('planted-app' as app, null as team) "
                    "from main.fct_daily_app_cost where usage_date = date '2026-11-01' limit 1")
        con.execute("insert into main.fct_daily_app_cost select * replace ('planted-2' as app, null as team, "
                    "null as attribution_source) from main.fct_daily_app_cost "
                    "where usage_date = date '2026-11-01' limit 1")
    planted = project.dbt("test", "--select", "fct_daily_app_cost", "--indirect-selection", "cautious")
    assert not planted.success
    assert {n: s for n, s in planted.statuses().items() if s not in ("pass", "success")} == {name: "fail"}
    messages = sorted(m for m in planted.messages if m.startswith("NULL: "))
    assert len(messages) == 2, messages
    assert messages[0].startswith("NULL: fct_daily_app_cost has NULL team at usage_date=2026-11-01, app=planted-app, "
                                  "team=NULL, "), messages
    assert messages[1].startswith("NULL: fct_daily_app_cost has NULL team, attribution_source at "
                                  "usage_date=2026-11-01, app=planted-2, team=NULL, "), messages
