"""The project's own generic data tests (macros/generic_tests/), on a small generated build: each
fails on the rows it is meant to catch, and the on-run-end hook prints what it found."""

from __future__ import annotations

from pathlib import Path

import duckdb

from conftest import generate, make_project


def test_table_rules_names_the_null_column_and_the_row(tmp_path: Path) -> None:
    """fct_daily_app_cost's not-null columns are one rule of its table_rules test: it passes on the built
    mart, and a row
    planted with a NULL team (on the day the run built, so the scoped test sees it) fails it, with a
    message naming the model, that column alone and the row's grain; a row with two NULLs names both."""
    logs = tmp_path / "logs"
    generate(logs, records=400, days=1, start="2026-11-01", seed=5)
    project = make_project(tmp_path / "project", logs)
    clean = project.dbt("build", "--select", "+fct_daily_app_cost", "--indirect-selection", "cautious")
    assert clean.success
    name = "fct_daily_app_cost_table_rules"
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


def test_table_rules_fails_each_rule_on_the_row_that_breaks_it(tmp_path: Path) -> None:
    """One planted row for each of the other rules of table_rules, each in a table built on the day
    the run built: a copy of a mart row (grain), a negative cost (not_negative), an unknown
    attribution_status in int_hourly_usage (accepted_values), a second row for a caller in the seed
    caller_map (unique). Each model's table_rules test fails, and prints one message per planted
    row, naming the rule's column, the value and the row; nothing else fails."""
    logs = tmp_path / "logs"
    generate(logs, records=400, days=1, start="2026-11-01", seed=5)
    project = make_project(tmp_path / "project", logs)
    clean = project.dbt("build", "--select", "+fct_daily_app_cost", "caller_map", "--indirect-selection", "cautious")
    assert clean.success
    names = ("fct_daily_app_cost_table_rules", "int_hourly_usage_table_rules", "caller_map_table_rules")
    assert [clean.statuses()[name] for name in names] == ["pass", "pass", "pass"]

    (seed_schema,), = project.query(
        "select table_schema from information_schema.tables where table_name = 'caller_map'")
    with duckdb.connect(str(project.database)) as con:
        (app, team, model_id), = con.execute(
            "select app, team, model_id from main.fct_daily_app_cost where usage_date = date '2026-11-01' "
            "order by app, team, model_id limit 1").fetchall()
        con.execute("insert into main.fct_daily_app_cost select * from main.fct_daily_app_cost "
                    "where usage_date = date '2026-11-01' and app = ? and team = ? and model_id = ?",
                    [app, team, model_id])
        con.execute("insert into main.fct_daily_app_cost select * replace ('planted-negative' as app, "
                    "-1.5 as cost_usd) from main.fct_daily_app_cost where usage_date = date '2026-11-01' limit 1")
        con.execute("insert into main_staging.int_hourly_usage select * replace ('planted' as attribution_status) "
                    "from main_staging.int_hourly_usage where usage_date = date '2026-11-01' limit 1")
        (caller,), = con.execute(
            f"select caller_name from {seed_schema}.caller_map order by caller_name limit 1").fetchall()
        con.execute(f"insert into {seed_schema}.caller_map select * from {seed_schema}.caller_map "
                    "where caller_name = ?", [caller])
    # the planted rows change the totals too: the reconciliation between the two models is left out
    planted = project.dbt("test", "--select", "fct_daily_app_cost", "int_hourly_usage", "caller_map",
                          "--exclude", "test_name:reconciles_with", "--indirect-selection", "cautious")
    assert not planted.success
    failed = {n: s for n, s in planted.statuses().items() if s not in ("pass", "success", "warn")}
    assert failed == dict.fromkeys(names, "fail"), failed

    def found(prefix: str) -> list[str]:
        return [m for m in planted.messages if m.startswith(prefix)]

    (duplicate,) = found("DUPLICATE: fct_daily_app_cost has 2 rows at ")
    assert f"usage_date=2026-11-01, app={app}, team={team}, " in duplicate and f"model_id={model_id}, " in duplicate
    (negative,) = found("NEGATIVE: ")
    assert negative.startswith("NEGATIVE: fct_daily_app_cost.cost_usd is -1.5 at usage_date=2026-11-01, "
                               "app=planted-negative, "), negative
    (unknown,) = found("NOT ACCEPTED: ")
    assert unknown == ("NOT ACCEPTED: int_hourly_usage.attribution_status is planted "
                       "(accepted: profile, unmapped_profile, direct)"), unknown
    assert found("DUPLICATE: caller_map ") == [f"DUPLICATE: caller_map has 2 rows with caller_name={caller}"]
