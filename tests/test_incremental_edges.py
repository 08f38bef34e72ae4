"""Incremental edge cases of the load-time design (each file read once; staging and
int_hourly_usage follow the lines loaded since their own newest): a late re-delivery of an old
call, a change of the reference data, and a partial run that skipped int_model_ids_resolved. Each ends
with the marts a full refresh of the same files and seeds gives."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from conftest import Project, assert_same_rows, generate, make_project

COST_MARTS = ["fct_daily_app_cost", "fct_daily_caller_cost", "fct_daily_app_caller_cost", "fct_daily_residency",
              "fct_daily_end_user_cost"]
FOLDER = "AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/{day}/{hour}"


def write_log_file(logs: Path, day: str, hour: str, name: str, records: list[dict]) -> None:
    folder = logs / FOLDER.format(day=day, hour=hour)
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / name, "wt") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in records)


def record(request_id: str, timestamp: str, model_id: str, caller_arn: str, input_tokens: int) -> dict:
    return {"schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": timestamp,
            "accountId": "111122223333", "identity": {"arn": caller_arn}, "region": "us-east-1",
            "requestId": request_id, "operation": "Converse", "modelId": model_id,
            "input": {"inputTokenCount": input_tokens}, "output": {"outputTokenCount": 100}}


def assert_marts_equal_a_full_refresh(project: Project, root: Path) -> None:
    full = make_project(root, project.logs)
    full.project_dir = project.project_dir
    assert full.dbt("build", "--full-refresh").success
    for mart in COST_MARTS:
        assert_same_rows(project.mart(mart), full.mart(mart), mart)


def test_a_late_re_delivery_of_an_old_call_reaches_the_marts(tmp_path: Path) -> None:
    """A call of 11-02 (outside the marts' window once 11-08 is built) is delivered again, with
    1,000 more input tokens, in the 11-08 folder: the later copy wins everywhere, marts included."""
    logs = tmp_path / "logs"
    generate(logs, records=4_000, days=8, start="2026-11-01", seed=21)
    project = make_project(tmp_path / "p", logs)
    assert project.dbt("build").success
    (request_id, invoked_at, model_id, caller_arn, input_tokens, log_file), = project.query(
        "select request_id, strftime(invoked_at, '%Y-%m-%dT%H:%M:%SZ'), model_id_raw, caller_arn, input_tokens, "
        "log_file from main_staging.stg_bedrock__invocations "
        "where usage_date = date '2026-11-02' and caller_arn is not null order by request_id limit 1")
    # Bedrock re-delivers into the same account and region prefix, in a later hour folder
    prefix = Path(log_file).parents[4]
    later = prefix / "2026/11/08/23" / "20261108T235500000Z_00000000redo.json.gz"
    later.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(later, "wt") as handle:
        handle.write(json.dumps(record(request_id, invoked_at, model_id, caller_arn, input_tokens + 1_000)) + "\n")
    assert project.dbt("build").success
    (stored,), = project.query(
        f"select input_tokens from main_staging.stg_bedrock__invocations where request_id = '{request_id}'")
    assert stored == input_tokens + 1_000
    assert_marts_equal_a_full_refresh(project, tmp_path / "full")


def test_a_profile_map_change_reaches_the_window_on_the_next_build(tmp_path: Path) -> None:
    """Renaming an app in profile_map.csv, with no new log file, re-sums the lookback window."""
    logs = tmp_path / "logs"
    generate(logs, records=3_000, days=3, start="2026-11-01", seed=22)
    project = make_project(tmp_path / "p", logs, own_copy=True)
    assert project.dbt("build").success
    assert project.query("select count(*) from main.fct_daily_app_cost where app = 'support-chat'")[0][0] > 0
    seed = project.project_dir / "seeds" / "profile_map.csv"
    rows = list(csv.DictReader(seed.open()))
    for row in rows:
        if row["app"] == "support-chat":
            row["app"] = "support-desk"
    with seed.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert project.dbt("build").success
    assert project.query("select count(*) from main.fct_daily_app_cost where app = 'support-chat'") == [(0,)]
    assert_marts_equal_a_full_refresh(project, tmp_path / "full")


def test_a_partial_run_that_skips_int_model_ids_resolved_flags_calls_and_never_drops_them(tmp_path: Path) -> None:
    """A new modelId reaches int_hourly_usage before int_model_ids_resolved knows it: the call is kept as
    `unresolved` and unpriced, and the next whole build re-sums its day with the right model."""
    logs = tmp_path / "logs"
    generate(logs, records=2_000, days=2, start="2026-11-01", seed=23)
    project = make_project(tmp_path / "p", logs)
    assert project.dbt("build").success
    new_model = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0"
    assert project.query(f"select count(*) from main_staging.stg_bedrock__invocations "
                         f"where model_id_raw = '{new_model}'") == [(0,)]
    write_log_file(logs, "2026/11/02", "23", "20261102T235000000Z_0000000newid.json.gz",
                   [record("new-model-call", "2026-11-02T23:40:00Z", new_model,
                           "arn:aws:iam::111122223333:user/alice", 5_000)])
    # the lines with their loader (stg_bedrock__log_files lists and checks the files they are read from)
    partial = project.dbt("run", "--select", "stg_bedrock__log_files", "stg_bedrock__log_lines",
                          "stg_bedrock__invocations", "int_hourly_usage")
    assert partial.success
    assert project.query("select sum(request_count) from main_staging.int_hourly_usage") == project.query(
        "select count(*) from main_staging.stg_bedrock__invocations")
    flagged = f"from main_staging.int_hourly_usage where model_id_raw = '{new_model}'"
    assert project.query(f"select attribution_status, request_count, unpriced_request_count {flagged}") == [
        ("unresolved", 1, 1)]
    assert project.dbt("build").success
    assert project.query(f"select attribution_status, model_id, unpriced_request_count {flagged}") == [
        ("direct", "amazon.nova-micro-v1:0", 0)]
    assert_marts_equal_a_full_refresh(project, tmp_path / "full")
