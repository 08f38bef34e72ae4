"""The "Real accounts" cases: what goes wrong on a real account's logs, each checked against an
answer worked out independently (the generator's ground truth, or prices by hand).

1. Two log roots on one database, in both orders: the build stops before reading anything.
2. A truncated gzip, then the intact copy: its readable calls first, then all of them once.
3. A trailing space in profile_map.csv does not unmap a profile.
4. requestMetadata from an untrusted role attributes nothing; from the trusted gateway it does.
5. An apostrophe in BEDROCK_LOGS_PATH.
6. An unmapped application profile: the UNPRICED line names the profile_map fix.
7. The generator's planted runaway loop and new Opus spender, found at their cost.
8. Logs read straight from S3 (moto_server): the same marts as from the folder, the same audit
   counts for the bad-input cases, and an incremental run that lists only its window.

Prices by hand (seeds/model_pricing.csv, list prices): Claude Haiku 4.5 through a global. profile
costs $1 per 1M input tokens and $5 per 1M output tokens."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import duckdb
import pytest
import yaml
from dbt_common.context import set_invocation_context

from athena_moto_support import MotoServer, moto_server
from conftest import REPO, DbtRun, Project, assert_same_rows, environment, generate, make_project, read_truth
from test_bad_input import CASES, FIXTURES, check, deliver
from test_finops_logs import ACCOUNT, CODE_REVIEW, GATEWAY_ROLE, HAIKU_45, Call, at, failures, write_logs
from test_ground_truth import assert_equal, totals

GLOBAL_HAIKU = f"global.{HAIKU_45}"  # $1 input, $5 output per 1M tokens
UTC = "%Y-%m-%dT%H:%M:%SZ"


def haiku_cost(input_tokens: int, output_tokens: int) -> float:
    return input_tokens * 1.0 / 1e6 + output_tokens * 5.0 / 1e6


def app_totals(project: Project) -> dict[tuple, list[float]]:
    return totals(project.mart("fct_daily_app_cost"), ["usage_date", "app", "team"])


def truth_totals(logs: Path) -> dict[tuple, list[float]]:
    return totals(read_truth(logs, "app_daily_cost.csv"), ["usage_date", "app", "team"])


def messages(run: DbtRun) -> str:
    return "\n".join(run.messages)


def copy_database(source: Path, target: Path) -> None:
    with duckdb.connect(str(source)) as con:
        con.execute("checkpoint")  # the write-ahead log into the file, which is all that is copied
    shutil.copy(source, target)


# ---------------------------------------------------------------------------------------------
# Two generated roots (older and newer logs), each built into its own database once.

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Project]:
    base = tmp_path_factory.mktemp("roots")
    projects = {}
    for name, start, seed in (("older", "2026-10-06", 31), ("newer", "2026-11-03", 32)):
        project = make_project(base / name / "project", base / name / "logs")
        generate(project.logs, records=1_500, days=4, start=start, seed=seed)
        run = project.dbt("build")
        assert run.success, failures(run)
        projects[name] = project
    return projects


@pytest.mark.parametrize(("first", "then"), [("newer", "older"), ("older", "newer")])
def test_another_log_root_stops_the_build_until_a_full_refresh(
        built: dict[str, Project], tmp_path: Path, first: str, then: str) -> None:
    """A database built from one root, then a build from another (older or newer logs): it stops
    before reading anything and names both roots and the ways on; --full-refresh gives the other
    root's totals exactly, and so does another DBT_DUCKDB_PATH (each fixture database is one)."""
    a, b = built[first], built[then]
    project = make_project(tmp_path / "project", b.logs)
    copy_database(a.database, project.database)
    lines_before = project.query("select count(*), max(loaded_at) from main_staging.stg_bedrock__log_lines")

    run = project.dbt("build")
    assert not run.success
    text = messages(run)
    assert "LOG ROOT CHANGED" in text, text[-2000:]
    # the error, not the SQL statement dbt logs before running it
    error = next(m for m in run.messages if "LOG ROOT CHANGED" in m and not m.startswith("On "))
    assert str(a.logs) in error and str(b.logs) in error
    assert "--full-refresh" in error and "DBT_DUCKDB_PATH" in error
    assert not [name for name, status in run.statuses().items() if status in ("success", "pass")]
    # nothing read: the per-line table and the marts hold only the first root's logs
    assert project.query("select count(*), max(loaded_at) from main_staging.stg_bedrock__log_lines") == lines_before
    assert project.query("select distinct log_root from main_staging.stg_bedrock__log_lines") == [(str(a.logs),)]
    assert_equal(app_totals(project), truth_totals(a.logs))

    run = project.dbt("build", "--full-refresh")
    assert run.success, failures(run)
    assert_equal(app_totals(project), truth_totals(b.logs))
    assert project.query("select distinct log_root from main_staging.stg_bedrock__log_lines") == [(str(b.logs),)]
    # the other way on: the same logs into another database file
    assert_equal(app_totals(b), truth_totals(b.logs))


def test_the_planted_loop_and_new_spender_are_found_at_their_cost(built: dict[str, Project]) -> None:
    for project in built.values():
        (planted_file,) = (project.logs / "ground_truth").glob("planted_*.json")
        planted = json.loads(planted_file.read_text())
        loop, spender = planted["runaway_loop"], planted["new_spender"]
        anomalies = project.query_rows("select * from main.fct_cost_anomalies")
        spikes = [r for r in anomalies if r["anomaly_type"] == "spend_spike" and r["dimension"] == "app"
                  and r["entity_name"] == loop["app"]]
        assert len(spikes) == 1, anomalies
        assert spikes[0]["started_at"].strftime(UTC) == loop["started_at"]
        assert spikes[0]["ended_at"].strftime(UTC) == loop["ended_at"]
        assert spikes[0]["cost_usd"] == pytest.approx(loop["app_cost_usd_in_window"], abs=0.01)
        new = [r for r in anomalies if r["anomaly_type"] == "new_spender" and r["entity_key"] == spender["caller_arn"]]
        assert len(new) == 1, anomalies
        assert new[0]["model_id"] == spender["model_id"]
        assert new[0]["started_at"].strftime(UTC) == spender["first_hour"]
        assert new[0]["request_count"] == spender["requests"]
        assert new[0]["cost_usd"] == pytest.approx(spender["cost_usd"], abs=0.01)


# ---------------------------------------------------------------------------------------------
# A truncated gzip, then its intact copy

def bulky_log_file(calls: list[Call], seed: int) -> bytes:
    """A gzipped JSON-lines file whose records carry a random prompt body (as Bedrock's do), so it
    does not compress to nothing and a cut loses calls."""
    rng = random.Random(seed)
    lines = []
    for call in calls:
        record = call.record()
        record["input"]["inputBodyJson"] = {"messages": [{"role": "user", "content": [
            {"text": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(240))}]}]}
        lines.append(json.dumps(record))
    return gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)


def test_a_truncated_gzip_keeps_its_readable_calls_and_its_intact_copy_replaces_them(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", tmp_path / "logs")
    calls = [Call(f"cut-{n:02d}", at(5, 10, n), CODE_REVIEW, input_tokens=1000 + n, output_tokens=200)
             for n in range(46)]
    intact = bulky_log_file(calls, seed=46)
    assert len(intact) > 6000
    cut = intact[:4200]
    # independently: the lines zlib decodes whole from the first 4,200 bytes
    decoded = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(cut)
    assert not decoded.endswith(b"\n")
    readable = [json.loads(line)["requestId"] for line in decoded.split(b"\n")[:-1]]
    assert 10 < len(readable) < 46 and readable == [c.request_id for c in calls[:len(readable)]]
    folder = project.logs / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / "us-east-1" / "2026/11/05/10"
    folder.mkdir(parents=True)
    log_file = folder / "20261105T101500000Z_0000000000000cut.json.gz"
    log_file.write_bytes(cut)

    run = project.dbt("build")
    assert not run.success
    assert {n for n, s in run.statuses().items() if s in ("fail", "error")} == {"assert_no_truncated_log_files"}
    assert any(m.startswith("TRUNCATED: ") and str(log_file) in m for m in run.messages), messages(run)[-3000:]
    kept = calls[:len(readable)]
    assert project.query("select sum(request_count), sum(input_tokens), sum(output_tokens), sum(cost_usd) "
                         "from main.fct_daily_app_cost") == [
        (len(kept), sum(c.input_tokens for c in kept), 200 * len(kept), pytest.approx(
            sum(haiku_cost(c.input_tokens, c.output_tokens) for c in kept), abs=1e-12))]
    assert project.query("select raw_line_count, invocation_count, malformed_count, is_truncated "
                         "from main.audit_log_files") == [(len(kept) + 1, len(kept), 1, True)]

    log_file.write_bytes(intact)  # copied again from the bucket
    run = project.dbt("build")
    assert run.success, failures(run)
    assert project.query("select sum(request_count), sum(input_tokens), sum(output_tokens), sum(cost_usd) "
                         "from main.fct_daily_app_cost") == [
        (46, sum(c.input_tokens for c in calls), 200 * 46, pytest.approx(
            sum(haiku_cost(c.input_tokens, c.output_tokens) for c in calls), abs=1e-12))]
    assert project.query("select count(*), count(distinct request_id), min(file_size) "
                         "from main_staging.stg_bedrock__log_lines") == [(46, 46, len(intact))]
    assert project.query("select raw_line_count, invocation_count, malformed_count, is_truncated "
                         "from main.audit_log_files") == [(46, 46, 0, False)]


# ---------------------------------------------------------------------------------------------
# Attribution: a trailing space in the map, untrusted metadata, an unmapped profile (one build)

UNTRUSTED_ROLE = f"arn:aws:sts::{ACCOUNT}:assumed-role/batch-scripts/nightly-job"
UNMAPPED_PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/zz9unmapped01"
CLAIM = {"app": "sales-copilot", "team": "sales"}


@pytest.fixture(scope="module")
def attribution(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, DbtRun]:
    root = tmp_path_factory.mktemp("attribution")
    project = make_project(root / "project", root / "logs", own_copy=True)
    seed = project.project_dir / "seeds" / "profile_map.csv"
    original = seed.read_text()
    # the code-review row's ARN, app and team each end in a space, as a hand edit leaves them
    edited = original.replace("r3v9h6j2l8z5,code-review,platform,", "r3v9h6j2l8z5 ,code-review ,platform ,")
    assert edited != original
    seed.write_text(edited)
    write_logs(project.logs, [
        # 3: through the code-review profile (Nov 5)
        *(Call(f"mapped-{n}", at(5, 9, n), CODE_REVIEW, input_tokens=3000, output_tokens=600) for n in range(4)),
        # 4: the same claim from an untrusted role and from the trusted gateway (Nov 6)
        *(Call(f"claim-{n}", at(6, 9, n), GLOBAL_HAIKU, UNTRUSTED_ROLE, 2000, 400, metadata=CLAIM) for n in range(3)),
        *(Call(f"gateway-{n}", at(6, 9, 30 + n), GLOBAL_HAIKU, GATEWAY_ROLE, 2000, 400, metadata=CLAIM)
          for n in range(3)),
        # 6: an application profile that profile_map.csv does not know (Nov 7)
        *(Call(f"unmapped-{n}", at(7, 9, n), UNMAPPED_PROFILE, input_tokens=500, output_tokens=50) for n in range(2)),
    ])
    return project, project.dbt("build")


def test_a_trailing_space_in_profile_map_still_maps_the_profile(attribution: tuple[Project, DbtRun]) -> None:
    project, run = attribution
    rows = project.query("select app, team, attribution_source, sum(request_count), sum(cost_usd) "
                         "from main.fct_daily_app_cost where usage_date = date '2026-11-05' group by all")
    assert rows == [("code-review", "platform", "profile", 4, pytest.approx(4 * haiku_cost(3000, 600), abs=1e-12))]
    assert not [m for m in run.messages if "r3v9h6j2l8z5" in m and ("UNMAPPED" in m or "UNPRICED" in m)]


def test_untrusted_metadata_attributes_nothing_and_is_named(attribution: tuple[Project, DbtRun]) -> None:
    project, run = attribution
    cost = pytest.approx(3 * haiku_cost(2000, 400), abs=1e-12)
    rows = project.query("select caller_arn, app, team, attribution_source, claimed_app, sum(request_count), "
                         "sum(cost_usd) from main_staging.int_hourly_usage where usage_date = date '2026-11-06' "
                         "group by all order by caller_arn")
    assert rows == [
        (UNTRUSTED_ROLE, "unattributed", "unattributed", "unattributed", "sales-copilot", 3, cost),
        (GATEWAY_ROLE, "sales-copilot", "sales", "request_metadata", "sales-copilot", 3, cost),
    ]
    assert project.query("select app, attribution_source, sum(request_count), sum(cost_usd) "
                         "from main.fct_daily_app_cost where usage_date = date '2026-11-06' "
                         "group by all order by app") == [
        ("sales-copilot", "request_metadata", 3, cost), ("unattributed", "unattributed", 3, cost)]
    assert run.statuses()["warn_untrusted_metadata_claims"] == "warn"
    claims = [m for m in run.messages if m.startswith("UNTRUSTED METADATA: ")]
    assert len(claims) == 1 and claims[0].startswith(f"UNTRUSTED METADATA: {UNTRUSTED_ROLE} claims app=sales-copilot")


def test_an_unmapped_application_profile_is_unpriced_with_the_profile_map_fix(
        attribution: tuple[Project, DbtRun]) -> None:
    _, run = attribution
    assert not run.success
    assert {n for n, s in run.statuses().items() if s in ("fail", "error")} == {"assert_all_tokens_priced"}
    unpriced = [m for m in run.messages if m.startswith("UNPRICED: ")]
    assert len(unpriced) == 1 and unpriced[0].startswith(f"UNPRICED: {UNMAPPED_PROFILE} "), unpriced
    assert "seeds/profile_map.csv" in unpriced[0] and "create-profiles --sync --write" in unpriced[0]
    assert "model_pricing" not in unpriced[0]
    assert [m for m in run.messages if m.startswith(f"UNMAPPED PROFILE: {UNMAPPED_PROFILE}")]


# ---------------------------------------------------------------------------------------------
# An apostrophe (and a space) in BEDROCK_LOGS_PATH

def test_an_apostrophe_in_the_logs_path_builds_fully_and_incrementally(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", tmp_path / "o'brien logs")
    first = [Call(f"ob-{n}", at(5, 10, n), GLOBAL_HAIKU, input_tokens=1000, output_tokens=100) for n in range(3)]
    write_logs(project.logs, first)
    run = project.dbt("build")
    assert run.success, failures(run)
    # then a new hour folder (read as a glob) and a new file beside one already read (named on its own)
    second = [Call(f"ob-late-{n}", at(5, 14, n), GLOBAL_HAIKU, input_tokens=2000, output_tokens=100)
              for n in range(2)]
    write_logs(project.logs, second)
    beside = Call("ob-beside", at(5, 10, 50), GLOBAL_HAIKU, input_tokens=3000, output_tokens=100)
    write_logs(tmp_path / "beside", [beside])
    (written,) = (tmp_path / "beside").rglob("*.json.gz")
    hour_10 = project.logs / written.relative_to(tmp_path / "beside").parent
    shutil.move(written, hour_10 / "20261105T105500000Z_00000000000000bb.json.gz")
    run = project.dbt("build")
    assert run.success, failures(run)
    assert project.query("select sum(request_count), sum(cost_usd) from main.fct_daily_app_cost") == [
        (6, pytest.approx(3 * haiku_cost(1000, 100) + 2 * haiku_cost(2000, 100) + haiku_cost(3000, 100),
                          abs=1e-12))]
    # the incremental run read only the new files
    assert project.query("""
        select regexp_extract(log_file, '/[0-9]{2}/([0-9]{2})/[^/]*$', 1) as hour_folder, count(*)
        from main_staging.stg_bedrock__log_lines
        where loaded_at = (select max(loaded_at) from main_staging.stg_bedrock__log_lines)
        group by all order by hour_folder""") == [("10", 1), ("14", 2)]
    assert project.query("select distinct log_root from main_staging.stg_bedrock__log_lines") == [
        (str(project.logs),)]


# ---------------------------------------------------------------------------------------------
# S3, straight from the bucket (moto_server): the profile registers s3fs for an s3:// path

BUCKET = "bedrock-logs-test"
S3_ROOT = f"s3://{BUCKET}/team-a/bedrock"


@dataclass
class S3:
    server: MotoServer
    log: Path  # moto_server's request log: one line per request
    sample_build_requests: list[str] = field(default_factory=list)  # those of s3_sample's build

    def listed_prefixes(self, since_line: int) -> list[str]:
        """The prefixes of the LIST requests logged after line since_line."""
        lines = self.log.read_text().splitlines()[since_line:]
        return [unquote(match.group(1)) for line in lines
                if (match := re.search(r"GET /[^ ?]+\?[^ ]*list-type=2[^ ]*?&prefix=([^& ]*)", line))]

    def log_lines(self) -> int:
        return len(self.log.read_text().splitlines())

    def upload(self, folder: Path, prefix: str) -> int:
        """Every object under folder/AWSLogs (bodies under data/ and the permission check included)."""
        client = self.server.client("s3")
        count = 0
        for path in sorted((folder / "AWSLogs").rglob("*")):
            if path.is_file():
                client.upload_file(str(path), BUCKET, f"{prefix}/{path.relative_to(folder).as_posix()}")
                count += 1
        return count

    def dbt(self, project: Project, *args: str) -> DbtRun:
        with environment(**self.server.aws_env()):
            return project.dbt(*args)


@pytest.fixture(scope="module")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3]:
    log = tmp_path_factory.mktemp("moto") / "moto_server.log"
    with moto_server(log) as server:
        server.client("s3").create_bucket(Bucket=BUCKET)
        yield S3(server, log)


def s3_project(root: Path, url: str) -> Project:
    """A scratch project reading url: Project passes str(logs) as BEDROCK_LOGS_PATH, so logs is the
    URL as text (a Path would fold its '//')."""
    return make_project(root, url)  # type: ignore[arg-type]


def without_root(rows: list[dict[str, Any]], root: str) -> list[dict[str, Any]]:
    return [{k: (v.replace(root, "<root>", 1) if k == "log_file" else v) for k, v in row.items() if k != "log_root"}
            for row in rows]


def test_the_profile_registers_s3fs_for_an_s3_path_only() -> None:
    from dbt.config.renderer import ProfileRenderer

    local = yaml.safe_load((REPO / "profiles.yml.example").read_text())["bedrock_costs"]["outputs"]["local"]

    def filesystems(**env: str) -> Any:
        with environment(**env):
            set_invocation_context(os.environ)  # what dbt's env_var reads
            return ProfileRenderer({}).render_data(local)["filesystems"]

    aws = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"}
    (on_s3,) = filesystems(BEDROCK_LOGS_PATH=S3_ROOT, **aws)
    assert on_s3["fs"] == "s3" and on_s3["skip_instance_cache"] is True
    assert on_s3["client_kwargs"] == {"endpoint_url": "http://127.0.0.1:9", "region_name": "eu-west-1"}
    assert on_s3["config_kwargs"]["user_agent_extra"].startswith("bedrock-costs/")
    assert filesystems(BEDROCK_LOGS_PATH="./bedrock-logs", **aws) is None


@pytest.fixture(scope="module")
def s3_sample(s3: S3, built: dict[str, Project], tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Project]:
    """The older root's logs uploaded whole, built from S3 (a trailing '/' in the URL)."""
    folder = built["older"]
    assert s3.upload(folder.logs, "team-a/bedrock") > 100
    project = s3_project(tmp_path_factory.mktemp("s3_sample"), S3_ROOT + "/")
    log_start = s3.log_lines()
    run = s3.dbt(project, "build")
    assert run.success, failures(run)
    s3.sample_build_requests = s3.log.read_text().splitlines()[log_start:]
    return project, folder


def test_s3_build_equals_the_folder_build(s3_sample: tuple[Project, Project]) -> None:
    project, folder = s3_sample
    assert project.query("select distinct log_root from main_staging.stg_bedrock__log_lines") == [(S3_ROOT,)]
    marts = [name for (name,) in folder.query(
        "select table_name from information_schema.tables where table_schema = 'main' and table_name like 'fct_%'")]
    assert len(marts) >= 9
    for mart in [*marts, "audit_log_files"]:
        assert_same_rows(without_root(project.mart(mart), S3_ROOT), without_root(folder.mart(mart), str(folder.logs)),
                         mart)
    lines = "select * from main_staging.stg_bedrock__log_lines"
    assert_same_rows(without_root(project.query_rows(lines), S3_ROOT),
                     without_root(folder.query_rows(lines), str(folder.logs)), "stg_bedrock__log_lines")
    assert_equal(app_totals(project), truth_totals(folder.logs))


def test_an_s3_build_asks_s3_for_each_files_bytes_not_its_size(s3: S3, s3_sample: tuple[Project, Project]) -> None:
    """DuckDB asks its filesystem for a file's size and date several times a read; s3fs answers
    from a folder listing it holds, or else with a HEAD request each (92 a file here, before the
    loader listed the day folders through DuckDB's filesystem). HEADs are round trips: on a real
    bucket with thousands of files they were most of a build."""
    project, _ = s3_sample
    requests = s3.sample_build_requests
    ((files,),) = project.query("select count(distinct log_file) from main_staging.stg_bedrock__log_lines")
    assert files > 100
    objects = [line for line in requests if re.search(r'"(GET|HEAD) /[^ ?]+\.json\.gz ', line)]
    heads = [line for line in objects if '"HEAD ' in line]
    assert len(heads) < files / 10, f"{len(heads)} HEAD requests for {files} files"
    assert len(objects) - len(heads) <= 3 * files  # the loader's first bytes, its check of the stream, the read


def test_s3_incremental_run_reads_only_the_new_file_and_lists_only_its_window(
        s3: S3, s3_sample: tuple[Project, Project], tmp_path: Path) -> None:
    project, _ = s3_sample
    ((last_day,),) = project.query("select max(log_date) from main_staging.stg_bedrock__log_lines")
    new_calls = [Call(f"s3-new-{n}", at(last_day.day, 23, 40 + n, month=last_day.month), GLOBAL_HAIKU,
                      input_tokens=1000, output_tokens=100) for n in range(3)]
    # and a month of old history, which the incremental window must never list
    old_call = Call("s3-ancient", at(3, 10, month=8), GLOBAL_HAIKU, input_tokens=1000, output_tokens=100)
    write_logs(tmp_path / "more", [*new_calls, old_call])
    assert s3.upload(tmp_path / "more", "team-a/bedrock") == 2
    ((requests_before,),) = project.query("select sum(request_count) from main.fct_daily_app_cost")
    log_start = s3.log_lines()

    run = s3.dbt(project, "build")
    assert run.success, failures(run)
    newest = project.query("""
        select log_file, count(*) from main_staging.stg_bedrock__log_lines
        where loaded_at = (select max(loaded_at) from main_staging.stg_bedrock__log_lines)
        group by all""")
    hour = last_day.strftime("%Y/%m/%d/23/%Y%m%dT231500000Z_00000000000000aa.json.gz")
    assert newest == [(f"{S3_ROOT}/AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/us-east-1/{hour}", 3)]
    assert project.query("select sum(request_count) from main.fct_daily_app_cost") == [(requests_before + 3,)]
    assert project.query("select count(*) from main_staging.stg_bedrock__log_lines "
                         "where request_id = 's3-ancient'") == [(0,)]
    # what it listed: the accounts and regions, then folders of the window's months only; never a
    # region's years (the start of a walk through its whole history), never the old month
    window_start = last_day - timedelta(days=3)  # bedrock_costs_lookback_days
    prefixes = s3.listed_prefixes(log_start)
    assert prefixes, "moto_server logged no S3 listing"
    outside = []
    for prefix in prefixes:
        below_region = re.search(r"/BedrockModelInvocationLogs/[^/]+/(.*)$", prefix)
        if below_region is None:
            continue  # AWSLogs/, an account, BedrockModelInvocationLogs/: the folders the regions are in
        year_month = re.match(r"([0-9]{4})/(?:([0-9]{2})/)?", below_region.group(1))
        if year_month is None or (year_month.group(2) and (int(year_month.group(1)), int(year_month.group(2)))
                                  < (window_start.year, window_start.month)):
            outside.append(prefix)
    assert not outside, outside


def test_s3_bad_input_is_accounted_for_as_from_a_folder(s3: S3, tmp_path: Path) -> None:
    """Every bad-input case at once, with an offloaded body and the permission check, read from S3:
    the audit counts and token totals each case's case.json works out by hand."""
    staging = tmp_path / "bad_input"
    expects = [deliver(case, staging) for case in CASES]
    hour = staging / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / "us-east-1" / "2026/11/05/10"
    (hour / "data").mkdir()
    with gzip.open(hour / "data" / "0f1e2d3c_input.json.gz", "wt") as handle:
        handle.write(json.dumps({"schemaType": "ModelInvocationLog", "requestId": "offloaded-body",
                                 "timestamp": "2026-11-05T10:00:00Z", "input": {"inputTokenCount": 999}}) + "\n")
    (staging / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs"
     / "amazon-bedrock-logs-permission-check").write_text("Permissions are correctly set.\n")
    s3.upload(staging, "bad-input")
    project = s3_project(tmp_path / "project", f"s3://{BUCKET}/bad-input")
    run = s3.dbt(project, "build")
    assert run.success, failures(run)
    total: dict[str, Any] = {key: sum(e.get(key, 0) for e in expects) for key in
                             ("raw", "invocation", "duplicate", "malformed", "skipped", "errors", "unknown_schema")}
    total["tokens"] = [sum(e["tokens"][i] for e in expects) for i in range(4)]
    check(project, total)
    assert project.query("select count(*) from main.audit_log_files where log_file like '%/data/%' "
                         "or log_file like '%permission-check%' or log_file not like 's3://%'") == [(0,)]
    assert project.query("select count(*) from main.audit_log_files") == [
        (sum(len(json.loads((FIXTURES / case / "case.json").read_text())["files"]) for case in CASES),)]


def test_an_s3_path_without_the_filesystem_is_refused_with_the_fix(tmp_path: Path) -> None:
    """BEDROCK_LOGS_PATH is a folder (nothing registered) but the var points at S3."""
    project = make_project(tmp_path / "project", tmp_path / "logs")
    run = project.dbt("run", "--select", "stg_bedrock__log_lines", vars={"bedrock_costs_logs_path": S3_ROOT})
    assert not run.success
    assert "no S3 filesystem is registered" in messages(run) and f"BEDROCK_LOGS_PATH={S3_ROOT}" in messages(run)
