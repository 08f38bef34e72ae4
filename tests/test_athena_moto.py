"""The athena target, run through dbt-athena against moto_server: seed, create the log table,
build, then an incremental and a full-refresh run. moto records the SQL without running it, so
the tests read what Athena would have been asked: the log table's partition projection, and a
read of the raw logs pruned to the log_hour partitions that can hold a new file, skipping the files
already stored, on the incremental run only (the cutoff coming from the newest folder in the stored
files' paths, answered by moto)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

pytest.importorskip("dbt.adapters.athena", reason="dbt-athena is not installed")
pytest.importorskip("sqlglot", reason="sqlglot is not installed")

import sqlglot
from sqlglot import exp

from athena_moto_support import (
    PASSING_TESTS,
    Answer,
    GlueMirror,
    MotoServer,
    Query,
    hook_athena_cursor,
    moto_server,
    moto_server_path,
    run_dbt,
    table_properties,
)
from conftest import REPO, DbtRun

pytestmark = pytest.mark.skipif(moto_server_path() is None,
                                reason="moto_server not found: pip install 'moto[server]'")

SCHEMA = "bedrock_costs"
RESULTS_BUCKET = "bedrock-costs-athena-results"
LOG_BUCKET = "bedrock-logs-test"
LOG_VARS = {
    "bedrock_costs_log_bucket": LOG_BUCKET,
    "bedrock_costs_log_prefix": "/org/bedrock/",
    "bedrock_costs_log_accounts": ["111122223333", "444455556666"],
    "bedrock_costs_log_regions": ["us-east-1", "eu-west-1"],
    "bedrock_costs_log_start_date": "2026-10-01",
}
LAST_BUILT_DAY = "2026-11-06"  # moto's answer to every max(<date column>) of the incremental run
NEWEST_FOLDER = "2026/11/06/23"  # moto's answer to the newest delivery folder in the stored files' paths
CUTOFF_HOUR = "2026/11/06/20"  # that folder less bedrock_costs_folder_settle_hours (3)
NEWEST_FOLDER_QUERY = r"^select max\(regexp_extract\(log_file, '[^']+', 1\)\) from "
LOG_READERS = ("--select", "source:bedrock.invocation_logs+1")  # the models that read the raw logs
PHASES = {
    "seed": ("seed",),
    "log_table": ("run-operation", "create_bedrock_log_table"),
    "build": ("build", "--exclude", "resource_type:seed"),
    "incremental": ("run", *LOG_READERS),
    "full_refresh": ("run", "--full-refresh", *LOG_READERS),
}
LOG_TABLE = f'"awsdatacatalog"."{SCHEMA}"."bedrock_invocation_logs"'


def one(queries: list[Query], pattern: str) -> Query:
    found = [query for query in queries if re.search(pattern, query.sql, flags=re.IGNORECASE)]
    assert len(found) == 1, f"{len(found)} queries match {pattern!r}: {[q.sql[:120] for q in found]}"
    return found[0]


def last_day_query(relation: str = r'"awsdatacatalog"\."\w+"\."\w+"') -> str:
    """incremental_cutoff_date's question: the last day (usage_date, log_date) `relation` holds."""
    return rf"^select max\(\w+\) from {relation}$"


def projection_of(properties: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in properties.items()
            if key.startswith("projection.") or key == "storage.location.template"}


def log_reads(queries: list[Query]) -> list[Query]:
    """The create table ... as select statements that read the raw log table."""
    return [query for query in queries
            if query.sql.lower().startswith("create table ") and LOG_TABLE in query.sql]


def created_relation(ctas: Query) -> str:
    """'"awsdatacatalog"."schema"."table"' from a create table ... as select."""
    return re.match(r'create table ("awsdatacatalog"\."\w+"\."\w+")', ctas.sql, re.IGNORECASE).group(1)


def model_of(relation: str) -> str:
    """The model a (tmp) relation belongs to: '"c"."s"."m__dbt_tmp"' -> '"c"."s"."m"'."""
    return relation.removesuffix('"').removesuffix("__dbt_tmp") + '"'


def log_hour_filters(sql: str) -> list[str]:
    """Every comparison on the log_hour partition column, as SQL text."""
    statement = sqlglot.parse_one(sql, dialect="athena")
    return [comparison.sql(dialect="athena") for comparison in statement.find_all(exp.Predicate)
            if isinstance(comparison, exp.Binary)
            and any(isinstance(side, exp.Column) and side.name == "log_hour"
                    for side in (comparison.left, comparison.right))]


@dataclass
class AthenaRuns:
    server: MotoServer
    runs: dict[str, DbtRun]
    queries: dict[str, list[Query]]  # phase -> the queries it started, in order


@pytest.fixture(scope="module")
def athena(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AthenaRuns]:
    root = tmp_path_factory.mktemp("athena_moto")
    shutil.copy(REPO / "profiles.yml.example", root / "profiles.yml")
    with ExitStack() as stack:
        try:
            server = stack.enter_context(moto_server(root / "moto_server.log"))
        except RuntimeError as error:
            pytest.skip(f"moto_server could not start: {error}")
        s3 = server.client("s3")
        for bucket in (RESULTS_BUCKET, LOG_BUCKET):
            s3.create_bucket(Bucket=bucket)
        log_root = f"s3://{LOG_BUCKET}/org/bedrock"
        answers = [PASSING_TESTS, Answer(last_day_query(), [("_col0", "date")], [(LAST_BUILT_DAY,)]),
                   Answer(NEWEST_FOLDER_QUERY, [("_col0", "varchar")], [(NEWEST_FOLDER,)]),
                   # the log root the staging table was built from: the same root, so the build goes on
                   Answer(r"^select max\(log_root\), min\(log_root\) from ",
                          [("_col0", "varchar"), ("_col1", "varchar")], [(log_root, log_root)])]
        hook_athena_cursor(stack.enter_context(pytest.MonkeyPatch.context()), server,
                           GlueMirror(server.client("glue")), answers)
        env = {
            **server.aws_env(),
            "BEDROCK_COSTS_ATHENA_SCHEMA": SCHEMA,
            "BEDROCK_COSTS_ATHENA_S3_STAGING_DIR": f"s3://{RESULTS_BUCKET}/staging/",
            "BEDROCK_COSTS_ATHENA_S3_DATA_DIR": f"s3://{RESULTS_BUCKET}/tables/",
            "BEDROCK_COSTS_ATHENA_WORK_GROUP": "primary",
            "BEDROCK_COSTS_ATHENA_CATALOG": "awsdatacatalog",
        }
        runs: dict[str, DbtRun] = {}
        queries: dict[str, list[Query]] = {}
        for phase, args in PHASES.items():
            runs[phase] = run_dbt(root, env, *args, vars=LOG_VARS)
            queries[phase] = server.queries(after=sum(map(len, queries.values())))
            if not runs[phase].success:
                break
        yield AthenaRuns(server, runs, queries)


@pytest.mark.parametrize("phase", PHASES)
def test_dbt_command_succeeds_against_moto(athena: AthenaRuns, phase: str) -> None:
    assert phase in athena.runs, "an earlier command failed"
    run = athena.runs[phase]
    assert run.success, "\n".join(m for m in run.messages if "ERROR" in m or "Error" in m)[-3000:]
    assert athena.queries[phase], f"dbt {' '.join(PHASES[phase])} sent no query"


def test_log_table_ddl_carries_partition_projection(athena: AthenaRuns) -> None:
    create = one(athena.queries["log_table"], r"^create external table if not exists ")
    statement = sqlglot.parse_one(create.sql, dialect="athena")
    assert statement.find(exp.Table).sql() == f"{SCHEMA}.bedrock_invocation_logs"
    partitions = statement.find(exp.PartitionedByProperty).this.expressions
    assert [column.name for column in partitions] == ["log_account", "log_region", "log_hour"]
    root = f"s3://{LOG_BUCKET}/org/bedrock/AWSLogs/"
    assert statement.find(exp.LocationProperty).this.this == root
    projection = {
        "projection.enabled": "true",
        "projection.log_account.type": "enum",
        "projection.log_account.values": "111122223333,444455556666",
        "projection.log_region.type": "enum",
        "projection.log_region.values": "us-east-1,eu-west-1",
        "projection.log_hour.type": "date",
        "projection.log_hour.format": "yyyy/MM/dd/HH",
        "projection.log_hour.range": "2026/10/01/00,NOW",
        "projection.log_hour.interval": "1",
        "projection.log_hour.interval.unit": "HOURS",
        "storage.location.template":
            root + "${log_account}/BedrockModelInvocationLogs/${log_region}/${log_hour}/",
    }
    properties = table_properties(statement)
    assert {key: properties.get(key) for key in projection} == projection
    # the refresh that applies changed vars to an existing table sets the same projection
    refresh = one(athena.queries["log_table"],
                  rf"^alter table {SCHEMA}\.bedrock_invocation_logs set tblproperties")
    refreshed = table_properties(sqlglot.parse_one(refresh.sql, dialect="athena"))
    assert projection_of(refreshed) == projection_of(properties)


def test_incremental_log_read_is_pruned_to_the_folders_that_can_hold_new_files(athena: AthenaRuns) -> None:
    queries = athena.queries["incremental"]
    reads = log_reads(queries)
    assert reads, "the incremental run did not read the log table"
    athena_client = athena.server.client("athena")
    for read in reads:
        tmp = created_relation(read)
        assert tmp.endswith('__dbt_tmp"'), f"an incremental run should build {tmp} in a tmp table"
        model = model_of(tmp)
        # the cutoff comes from the table: max(<date column>) answered by moto with LAST_BUILT_DAY
        asked = [query for query in queries[:queries.index(read)]
                 if re.search(last_day_query(re.escape(model)), query.sql)]
        assert asked, f"the cutoff of {model} was not read from the table before its build"
        result = athena_client.get_query_results(QueryExecutionId=asked[-1].execution_id)
        values = [row["Data"][0]["VarCharValue"] for row in result["ResultSet"]["Rows"]]
        assert values == ["_col0", LAST_BUILT_DAY]
        # the newest stored folder, from the stored files' paths on the newest stored day
        folder = [query for query in queries[:queries.index(read)] if re.search(NEWEST_FOLDER_QUERY, query.sql)]
        assert folder and f"where log_date = (select max(log_date) from {model})" in folder[-1].sql
        assert log_hour_filters(read.sql) == [f"log_hour >= '{CUTOFF_HOUR}'"]
        # files already stored are skipped, and the new lines are appended, not merged
        skipped = sqlglot.parse_one(read.sql, dialect="athena").find(exp.Exists)
        assert skipped is not None and model.replace('"', '') in skipped.sql(dialect="athena").replace('"', '')
        one(queries, rf"^insert into {re.escape(model)}[\s\S]* from {re.escape(tmp)}")
        assert not [query for query in queries if re.search(rf"^merge into {re.escape(model)}", query.sql, re.I)]


@pytest.mark.parametrize("phase", ["build", "full_refresh"])
def test_full_builds_read_every_log_partition(athena: AthenaRuns, phase: str) -> None:
    queries = athena.queries[phase]
    reads = log_reads(queries)
    assert reads, f"dbt {' '.join(PHASES[phase])} did not read the log table"
    for read in reads:
        model = model_of(created_relation(read))
        assert not [query.sql for query in queries if re.search(last_day_query(re.escape(model)), query.sql)]
        assert log_hour_filters(read.sql) == []
        properties = table_properties(sqlglot.parse_one(read.sql, dialect="athena"))
        assert properties["table_type"] == "iceberg"
        assert properties["partitioning"].startswith("ARRAY[")
