"""Trustworthy numbers under bad input. One fixture folder per case under tests/fixtures/bad_input/
(its JSON-lines files and a case.json with where each file is delivered and the answer worked out by
hand). Each case is built on its own (everything its logs reach, over a copy of the seeds built
once; so are the two builds that must fail), then all of them together (the whole project): every
line is accounted for in audit_log_files, nothing stops the build, and the token totals hold end to
end."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Project, make_project

FIXTURES = Path(__file__).parent / "fixtures" / "bad_input"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "case.json").exists())
ACCOUNT = "111122223333"
CANARY = "CANARY-PROMPT-7f3a9c"


def deliver(case: str, logs: Path) -> dict:
    """Write a case's files, gzipped, where Bedrock would deliver them; return its expectations."""
    spec = json.loads((FIXTURES / case / "case.json").read_text())
    for name, hour in spec["files"].items():
        folder = logs / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / "us-east-1" / hour
        folder.mkdir(parents=True, exist_ok=True)
        stamp = hour.replace("/", "")[:8] + "T" + hour[-2:] + "0000000Z"
        target = folder / f"{stamp}_{abs(hash((case, name))) % 16**16:016x}.json.gz"
        with gzip.open(target, "wb") as handle:
            handle.write((FIXTURES / case / name).read_bytes())
    return spec["expect"]


def audit_totals(project: Project) -> dict[str, int]:
    (raw, invocation, duplicate, malformed, skipped, unknown), = project.query("""
        select sum(raw_line_count), sum(invocation_count), sum(duplicate_count), sum(malformed_count),
               sum(skipped_count), sum(unknown_schema_version_count)
        from main.audit_log_files
    """)
    return {"raw": raw, "invocation": invocation, "duplicate": duplicate, "malformed": malformed,
            "skipped": skipped, "unknown_schema": unknown}


def check(project: Project, expect: dict) -> None:
    audit = audit_totals(project)
    for key in ("raw", "invocation", "duplicate", "malformed", "skipped"):
        assert audit[key] == expect[key], (key, audit, expect)
    assert audit["unknown_schema"] == expect.get("unknown_schema", 0)
    (requests, tokens_in, tokens_out, cache_read, cache_write, errors, cost), = project.query("""
        select sum(request_count), sum(input_tokens), sum(output_tokens), sum(cache_read_input_tokens),
               sum(cache_write_input_tokens), sum(error_count), sum(cost_usd)
        from main.fct_daily_app_cost
    """)
    assert requests == expect["invocation"]
    assert [tokens_in, tokens_out, cache_read, cache_write] == expect["tokens"]
    assert errors == expect.get("errors", 0)
    if "cost_usd" in expect:
        assert cost == pytest.approx(expect["cost_usd"], abs=1e-12)
    for day, count in expect.get("usage_dates", {}).items():
        assert project.query(f"select sum(request_count) from main.fct_daily_app_cost "
                             f"where usage_date = date '{day}'") == [(count,)]
    if "usage_dates" in expect:  # no other day: a far-off timestamp moves no cost (and no as-of day)
        assert project.query("select sum(request_count) from main.fct_daily_app_cost") == [
            (sum(expect["usage_dates"].values()),)]
    if "problems" in expect:  # every flagged line, by reason
        problems = dict(project.query("select line_problem, sum(line_count) from main.audit_log_line_problems "
                                      "group by line_problem"))
        assert problems == expect["problems"]
    for caller, count in expect.get("callers", {}).items():
        assert project.query(f"select sum(request_count) from main.fct_daily_caller_cost "
                             f"where caller_name = '{caller}'") == [(count,)]
    if "shared_request_ids" in expect:
        assert project.query("select count(distinct request_id) from main_staging.stg_bedrock__invocations "
                             "where is_shared_request_id") == [(expect["shared_request_ids"],)]


@pytest.fixture()
def los_angeles() -> Iterator[None]:
    """The machine's time zone is not UTC: dates must not depend on it."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    yield
    if saved is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = saved
    time.tzset()


# every node a case's log files can reach; the rest (the seeds, the models that read only them, and
# their tests) is the same for every case, built once by `seeded`
FROM_THE_LOGS = ["stg_bedrock__log_files+", "stg_bedrock__log_lines+"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding what no log reaches, built and tested once; each case starts from a copy."""
    root = tmp_path_factory.mktemp("seeded")
    project = make_project(root / "project", root / "logs")
    project.logs.mkdir()
    run = project.dbt("build", "--exclude", *FROM_THE_LOGS)
    assert run.success, [m for m in run.messages if "ERROR" in m or "FAIL" in m]
    assert not [n for n in run.statuses() if n.startswith(("stg_bedrock__", "int_hourly", "fct_"))]
    project.query("checkpoint")  # everything in the file itself, for the copies
    return project.database


def from_seeded(seeded: Path, tmp_path: Path) -> Project:
    """A scratch project whose database starts as a copy of the seeded one (its logs still to come)."""
    project = make_project(tmp_path / "project", tmp_path / "logs")
    shutil.copy(seeded, project.database)
    return project


@pytest.mark.parametrize("case", CASES)
def test_bad_input_case(case: str, seeded: Path, tmp_path: Path, los_angeles: None) -> None:
    """A case's files alone: everything they reach builds (the seeded rest is the same for every case)."""
    project = from_seeded(seeded, tmp_path)
    expect = deliver(case, project.logs)
    run = project.dbt("build", "--select", *FROM_THE_LOGS)
    assert run.success, [m for m in run.messages if "ERROR" in m or "FAIL" in m]
    check(project, expect)
    warned = {name for name, status in run.statuses().items() if status == "warn"}
    assert ("warn_files_with_malformed_lines" in warned) == (expect["malformed"] > 0)
    assert ("audit_log_files_schema_version_is_known" in warned) == (expect.get("unknown_schema", 0) > 0)
    for flagged in ("warn_log_records_flagged", "warn_shared_request_ids"):
        assert (flagged in warned) == (flagged in expect.get("warns", [])), flagged


@pytest.fixture(scope="module")
def combined(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, dict]:
    root = tmp_path_factory.mktemp("combined")
    project = make_project(root / "project", root / "logs")
    expects = [deliver(case, project.logs) for case in CASES]
    # objects that are not log records: an offloaded body (valid JSON lines!) and the permission check
    hour = project.logs / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / "us-east-1" / "2026/11/05/10"
    (hour / "data").mkdir()
    with gzip.open(hour / "data" / "0f1e2d3c_input.json.gz", "wt") as handle:
        handle.write(json.dumps({"schemaType": "ModelInvocationLog", "requestId": "offloaded-body",
                                 "timestamp": "2026-11-05T10:00:00Z", "input": {"inputTokenCount": 999}}) + "\n")
    (project.logs / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs"
     / "amazon-bedrock-logs-permission-check").write_text("Permissions are correctly set.\n")
    run = project.dbt("build")
    assert run.success
    total = {key: sum(e.get(key, 0) for e in expects)
             for key in ("raw", "invocation", "duplicate", "malformed", "skipped", "errors", "unknown_schema")}
    total["tokens"] = [sum(e["tokens"][i] for e in expects) for i in range(4)]
    return project, total


def test_combined_fixture_accounts_for_every_line(combined: tuple[Project, dict]) -> None:
    project, total = combined
    check(project, total)
    (bad,), = project.query("select count(*) from main.audit_log_files where raw_line_count <> "
                            "invocation_count + duplicate_count + malformed_count + skipped_count")
    assert bad == 0
    (files,), = project.query("select count(*) from main.audit_log_files where log_file like '%/data/%' "
                              "or log_file like '%permission-check%'")
    assert files == 0


def test_no_prompt_text_past_staging(combined: tuple[Project, dict]) -> None:
    """Every string column of every model and table past the raw read is scanned for the canary
    planted in every fixture prompt and response; staging does not even select body fields."""
    project, _ = combined
    columns = project.query("""
        select table_schema, table_name, column_name, data_type
        from information_schema.columns
        where table_schema in ('main', 'main_staging')
    """)
    names = {c[2].lower() for c in columns}
    assert not {n for n in names if "body" in n or "prompt" in n or "content" in n}
    scanned = 0
    for schema, table, column, data_type in columns:
        if data_type.upper().startswith(("VARCHAR", "MAP")):
            (hits,), = project.query(f'select count(*) from {schema}."{table}" '
                                     f"where cast(\"{column}\" as varchar) like '%{CANARY}%'")
            assert hits == 0, (schema, table, column)
            scanned += 1
    assert scanned > 20


def test_corrupt_gzip_fails_naming_the_file(seeded: Path, tmp_path: Path) -> None:
    project = from_seeded(seeded, tmp_path)
    deliver("extra_fields", project.logs)
    folder = project.logs / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / "us-east-1" / "2026/11/05/11"
    folder.mkdir(parents=True)
    corrupt = folder / "20261105T110000000Z_00000000deadbeef.json.gz"
    corrupt.write_bytes(b"this is not gzip data")
    run = project.dbt("build", "--select", *FROM_THE_LOGS)
    assert not run.success
    assert any(str(corrupt) in message for message in run.messages)


def test_eu_pinned_app_served_outside_the_eu_fails(seeded: Path, tmp_path: Path) -> None:
    project = from_seeded(seeded, tmp_path)
    folder = project.logs / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / "eu-west-1" / "2026/11/05/10"
    folder.mkdir(parents=True)
    profile = f"arn:aws:bedrock:eu-west-1:{ACCOUNT}:application-inference-profile/w6a3d9g5k1n7"  # eu-assistant
    lines = []
    for rid, served in (("eu-ok", "eu-central-1"), ("eu-leak", "us-east-1")):
        lines.append(json.dumps({
            "schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": "2026-11-05T10:00:00Z",
            "accountId": ACCOUNT, "identity": {"arn": f"arn:aws:iam::{ACCOUNT}:user/x"}, "region": "eu-west-1",
            "requestId": rid, "operation": "Converse", "modelId": profile, "inferenceRegion": served,
            "input": {"inputTokenCount": 10}, "output": {"outputTokenCount": 5}}))
    with gzip.open(folder / "20261105T101000000Z_00000000000000e1.json.gz", "wt") as handle:
        handle.write("\n".join(lines) + "\n")
    run = project.dbt("build", "--select", *FROM_THE_LOGS)
    assert not run.success
    failed = {name for name, status in run.statuses().items() if status in ("fail", "error")}
    assert failed == {"assert_eu_pinned_apps_stay_in_eu"}
    rows = project.query("select app, serving_region, request_count from main.fct_daily_residency "
                         "order by serving_region")
    assert rows == [("eu-assistant", "eu-central-1", 1), ("eu-assistant", "us-east-1", 1)]
