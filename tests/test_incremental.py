"""Incremental runs: adding a day and building incrementally gives exactly the full-refresh marts,
and the log read parses only the files not read before."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from conftest import Project, assert_same_rows, generate, make_project

COST_MARTS = ["fct_daily_app_cost", "fct_daily_caller_cost", "fct_daily_app_caller_cost", "fct_daily_residency",
              "fct_daily_end_user_cost"]
MARTS = [*COST_MARTS, "audit_log_files"]


@pytest.fixture(scope="module")
def incremental(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Project, str]:
    root = tmp_path_factory.mktemp("incremental")
    logs = root / "logs"
    generate(logs, records=12_000, days=6, start="2026-11-01", seed=5)
    project = make_project(root / "incremental", logs)
    assert project.dbt("build").success
    generate(logs, records=2_000, days=1, start="2026-11-07", seed=5)
    run = project.dbt("build")
    assert run.success
    staging_sql = (project.root / "target" / "compiled" / "bedrock_costs" / "models" / "staging" / "bedrock"
                   / "stg_bedrock__log_lines.sql").read_text()
    full = make_project(root / "full", logs)
    assert full.dbt("build", "--full-refresh").success
    return project, full, staging_sql


@pytest.mark.parametrize("mart", MARTS)
def test_incremental_equals_full_refresh(incremental: tuple[Project, Project, str], mart: str) -> None:
    project, full, _ = incremental
    assert_same_rows(project.mart(mart), full.mart(mart), mart)


def test_new_day_is_in_the_marts(incremental: tuple[Project, Project, str]) -> None:
    project, _, _ = incremental
    (days,), = project.query("select count(distinct usage_date) from main.fct_daily_app_cost")
    assert days == 7


def test_incremental_read_parses_only_the_new_files(incremental: tuple[Project, Project, str]) -> None:
    """Last built day 2026-11-06, lookback 3: the folders from 2026/11/03 on are listed, but only the
    files not stored yet are read: the files of the new day's hour folders (and the next day's first
    hour, where its last records spill), and nothing of the days already built. The loader's record
    of the load (stg_bedrock__log_files) and the view the lines were parsed from both say so."""
    project, _, staging_sql = incremental
    loads = project.query("select loaded_at, list(log_file) from main_staging.stg_bedrock__log_files "
                          "group by loaded_at order by loaded_at")
    assert len(loads) == 2
    read = set(loads[1][1])
    on_disk = {path for path in project.logs.rglob("*.json.gz") if "/data/" not in path.as_posix()}
    new_files = {str(path) for path in on_disk if path.parent.relative_to(path.parents[4]).as_posix() >= "2026/11/07"}
    assert new_files and read == new_files
    assert set(loads[0][1]) == {str(path) for path in on_disk} - new_files
    # the lines table holds each file's lines from one load only, and the new ones from the second
    (per_file_loads,), = project.query("select max(loads) from (select count(distinct loaded_at) as loads "
                                       "from main_staging.stg_bedrock__log_lines group by log_file)")
    assert per_file_loads == 1
    assert "stg_bedrock__log_batch" in staging_sql


def test_incremental_run_re_sums_only_the_days_of_the_new_calls(incremental: tuple[Project, Project, str]) -> None:
    """int_hourly_usage re-sums exactly the usage dates of the records in the newly read files
    (read here straight from those files), and the audit takes only the lines loaded since its newest."""
    project, _, _ = incremental
    compiled = project.root / "target" / "compiled" / "bedrock_costs" / "models"
    hourly_sql = (compiled / "intermediate" / "int_hourly_usage.sql").read_text()
    rebuilt = set(re.findall(r"date '(\d{4}-\d{2}-\d{2})'", hourly_sql))
    new_files = [str(path) for path in project.logs.rglob("*.json.gz")
                 if "/data/" not in path.as_posix()
                 and path.parent.relative_to(path.parents[4]).as_posix() >= "2026/11/07"]
    listing = ", ".join(f"'{path}'" for path in new_files)
    (dates,), = duckdb.sql(f"""
        select list(distinct cast(cast("timestamp" as timestamp) as date)::varchar)
        from read_json([{listing}], format = 'newline_delimited', compression = 'gzip',
                       ignore_errors = true, columns = {{'timestamp': 'varchar', 'requestId': 'varchar'}})
        where "requestId" is not null
    """).fetchall()
    assert rebuilt == set(dates) and "2026-11-07" in rebuilt and "2026-11-03" not in rebuilt
    # the audit, too, recounts only the files of the lines loaded since its newest
    audit_sql = (compiled / "audit" / "audit_log_files.sql").read_text()
    assert "where loaded_at > cast('" in audit_sql


def test_a_full_build_writes_the_hourly_usage_in_day_order(incremental: tuple[Project, Project, str]) -> None:
    """DuckDB skips a row group by its min/max only when the days are not mixed across row groups:
    the full build writes int_hourly_usage in day order (macros/cross_db/clustered_by.sql), so a
    FinOps window or a test of some days does not read the whole history."""
    _, full, _ = incremental
    (rows, out_of_order), = full.query("""
        select count(*), count(*) filter (where usage_date < previous_date)
        from (
            select usage_date, lag(usage_date) over (order by rowid) as previous_date
            from main_staging.int_hourly_usage
        )
    """)
    assert rows > 1000 and out_of_order == 0


def test_building_twice_changes_nothing(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    generate(logs, records=3_000, days=2, start="2026-11-01", seed=9)
    project = make_project(tmp_path / "p", logs)
    assert project.dbt("build").success
    before = {mart: project.mart(mart) for mart in MARTS}
    assert project.dbt("build").success
    for mart in MARTS:
        assert_same_rows(project.mart(mart), before[mart], mart)


def late_record(request_id: str, timestamp: str) -> str:
    import json

    return json.dumps({
        "schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": timestamp,
        "accountId": "111122223333", "identity": {"arn": "arn:aws:iam::111122223333:user/late-comer"},
        "region": "us-east-1", "requestId": request_id, "operation": "Converse",
        "modelId": "global.anthropic.claude-haiku-4-5-20251001-v1:0",
        "input": {"inputTokenCount": 1000}, "output": {"outputTokenCount": 100}})


def test_late_file_for_a_built_day_changes_the_marts_by_exactly_that_record(tmp_path: Path) -> None:
    """Build; a file arrives late in an already-built day's folder; the next incremental build picks
    it up, and every mart changes by exactly that one record ($0.0015 = 1000 x $1 + 100 x $5 per 1M)."""
    import gzip

    logs = tmp_path / "logs"
    generate(logs, records=4_000, days=4, start="2026-11-01", seed=13)
    project = make_project(tmp_path / "p", logs)
    assert project.dbt("build").success
    before = {mart: project.query(f"select sum(request_count), sum(input_tokens), sum(output_tokens), "
                                  f"sum(cost_usd) from main.{mart} where usage_date = date '2026-11-03'")[0]
              for mart in COST_MARTS}
    folder = logs / "AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/04/00"
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "20261104T003000000Z_000000000000late.json.gz".replace("late", "1a7e"), "wt") as handle:
        handle.write(late_record("late-arrival-1", "2026-11-03T23:59:30Z") + "\n")
    assert project.dbt("build").success
    for mart in COST_MARTS:
        requests, tokens_in, tokens_out, cost = project.query(
            f"select sum(request_count), sum(input_tokens), sum(output_tokens), sum(cost_usd) "
            f"from main.{mart} where usage_date = date '2026-11-03'")[0]
        b_requests, b_in, b_out, b_cost = before[mart]
        assert (requests - b_requests, tokens_in - b_in, tokens_out - b_out) == (1, 1000, 100), mart
        assert cost - b_cost == pytest.approx((1000 * 1 + 100 * 5) / 1e6, abs=1e-9), mart
    assert project.query("select invocation_count from main.audit_log_files where log_file like '%1a7e%'") == [(1,)]


def test_price_change_reprices_only_calls_after_it(tmp_path: Path) -> None:
    """Close Haiku 4.5's global price at 2026-11-02 12:00 and add a new one (2 / 10 per 1M) from then:
    calls before that instant keep their cost, calls after it cost what the new row says, and a full
    refresh gives the same."""
    import csv

    logs = tmp_path / "logs"
    generate(logs, records=3_000, days=3, start="2026-11-01", seed=17)
    project = make_project(tmp_path / "p", logs, own_copy=True)
    assert project.dbt("build").success
    query = ("select request_id, invoked_at, input_tokens, output_tokens, cache_read_input_tokens, "
             "cache_write_input_tokens, cost_usd from main_staging.int_invocations_priced "
             "where model_id = 'anthropic.claude-haiku-4-5-20251001-v1:0' and price_scope = 'global'")
    old = {row[0]: row for row in project.query(query)}
    pricing = project.project_dir / "seeds" / "model_pricing.csv"
    rows = list(csv.DictReader(pricing.open()))
    fields = list(rows[0])
    change = "2026-11-02 12:00:00"
    for row in rows:
        if row["model_id"] == "anthropic.claude-haiku-4-5-20251001-v1:0" and row["price_scope"] == "global":
            row["effective_to"] = change
            new = {**row, "effective_from": change, "effective_to": "", "input_usd_per_mtok": "2",
                   "output_usd_per_mtok": "10", "cache_read_usd_per_mtok": "0.2", "cache_write_usd_per_mtok": "2.5"}
    rows.append(new)
    with pricing.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    assert project.dbt("build", "--full-refresh").success
    repriced = {row[0]: row for row in project.query(query)}
    assert repriced.keys() == old.keys()
    instant = datetime(2026, 11, 2, 12)
    changed = 0
    for request_id, (_, at, i, o, cr, cw, cost) in repriced.items():
        if at < instant:
            assert cost == old[request_id][-1]
        else:
            assert cost == pytest.approx((i * 2 + o * 10 + cr * 0.2 + cw * 2.5) / 1e6, abs=1e-12)
            changed += 1
    assert 0 < changed < len(repriced)


def test_a_scheduled_run_tests_the_days_it_rebuilt(tmp_path: Path) -> None:
    """On an incremental run the data tests see the days it rebuilt, and nothing older: a row with
    an unknown attribution_status planted in an old day of int_hourly_usage passes the next
    scheduled run unseen, is found by `dbt test` with bedrock_costs_test_all_days, and is found by a
    plain `dbt test` once planted in a day the run rebuilt. The view's uniqueness test is scoped by
    literal dates, and so are the tests of the stored lines (each found the days first): a record
    line with an unknown operation planted in an old day is unseen, found with
    bedrock_costs_test_all_days, and found in a rebuilt day; a malformed line with one is not a
    record, which the operation's test asks for besides its days."""
    logs = tmp_path / "logs"
    generate(logs, records=3_000, days=4, start="2026-11-01", seed=17)
    project = make_project(tmp_path / "p", logs)
    assert project.dbt("build").success

    def plant(day: str) -> None:
        with duckdb.connect(str(project.database)) as con:
            con.execute(f"insert into main_staging.int_hourly_usage select * replace ('planted' as attribution_status) "
                        f"from main_staging.int_hourly_usage where usage_date = date '{day}' limit 1")

    def plant_line(day: str, request_id: str, line_status: str) -> None:
        with duckdb.connect(str(project.database)) as con:
            con.execute(f"insert into main_staging.stg_bedrock__log_lines select * replace ("
                        f"'PlantedOperation' as api_operation, '{request_id}' as request_id, "
                        f"'{line_status}' as line_status) from main_staging.stg_bedrock__log_lines "
                        f"where log_date = date '{day}' and line_status = 'record' limit 1")

    status_values = "int_hourly_usage_table_rules"
    plant("2026-11-01")
    plant_line("2026-11-01", "planted-old-day", "record")
    generate(logs, records=800, days=1, start="2026-11-05", seed=17)
    scheduled = project.dbt("build")
    assert scheduled.success and scheduled.statuses()[status_values] == "pass"
    (operations,) = (name for name in scheduled.statuses()
                     if name.startswith("accepted_values_stg_bedrock__log_lines_api_operation"))
    assert scheduled.statuses()[operations] == "pass"
    compiled = project.root / "target" / "compiled"
    (unique_sql,) = compiled.rglob("*unique_request_ids_stg_bedrock__invocations*.sql")
    for sql in (unique_sql, *compiled.rglob("stg_bedrock__log_lines_records_are_complete*.sql"),
                *compiled.rglob("stg_bedrock__log_lines_table_rules*.sql")):
        scoped_days = set(re.findall(r"date '(\d{4}-\d{2}-\d{2})'", sql.read_text()))
        assert "2026-11-05" in scoped_days and "2026-11-01" not in scoped_days, sql.name
    lines_tests = ["--select", "stg_bedrock__log_lines", "--indirect-selection", "cautious"]
    all_days = project.dbt("test", *lines_tests, vars={"bedrock_costs_test_all_days": True})
    assert all_days.statuses()[operations] == "warn"

    (newest_load,), = project.query("select max(log_date)::varchar from main_staging.stg_bedrock__log_lines")
    plant_line(newest_load, "planted-malformed", "malformed")
    assert project.dbt("test", *lines_tests).statuses()[operations] == "pass"
    plant_line(newest_load, "planted-new-day", "record")
    assert project.dbt("test", *lines_tests).statuses()[operations] == "warn"

    everything = project.dbt("test", "--select", "int_hourly_usage", vars={"bedrock_costs_test_all_days": True})
    assert not everything.success and everything.statuses()[status_values] == "fail"

    (newest,), = project.query("select max(usage_date)::varchar from main_staging.int_hourly_usage")
    plant(newest)
    rebuilt = project.dbt("test", "--select", "int_hourly_usage")
    assert not rebuilt.success and rebuilt.statuses()[status_values] == "fail"
