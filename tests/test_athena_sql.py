"""Athena without Athena: compile every model offline for the athena target, then
1. parse every compiled statement (and the log-table DDL) with sqlglot's athena dialect, and
   refuse DuckDB-only syntax;
2. semantic check: transpile the compiled Athena models to DuckDB with sqlglot and run them on the
   same fixture, with a DuckDB view standing in for the Glue log table. The marts must equal the
   DuckDB target's marts exactly. A wrong athena__ macro shows up here."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from conftest import REPO, Project, assert_same_rows

sys.path.insert(0, str(REPO / "scripts"))
import compile_athena

MARTS = ["fct_daily_app_cost", "fct_daily_caller_cost", "fct_daily_app_caller_cost"]

# Functions sqlglot does not model itself, that Athena (Trino) does have.
ATHENA_ONLY_FUNCTIONS = {"TRY", "FROM_ISO8601_TIMESTAMP", "FROM_BIG_ENDIAN_64", "XXHASH64"}
# Text that only DuckDB accepts.
DUCKDB_ONLY = [r"\bread_json\b", r"\bglob\s*\(", r"::", r"\bstrftime\b", r"\bregexp_matches\b",
               r"\btimestamptz\b", r"\bstruct_pack\b", r"\blist_\w+\(", r"\bepoch_ms\b", r"\bnullif\(regexp_extract"]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("athena")
    shutil.copy(REPO / "profiles.yml.example", root / "profiles.yml")
    return compile_athena.compile_athena(root / "out", root)


def statements(compiled: dict[str, Path]) -> dict[str, str]:
    found = {f"{variant}:{p.relative_to(compiled[variant]).as_posix()}": p.read_text()
             for variant in ("full", "incremental") for p in compiled[variant].rglob("*.sql")}
    for i, statement in enumerate(s for s in compiled["ddl"].read_text().split(";") if s.strip()):
        found[f"ddl:{i}"] = statement
    return found


def model_sql(compiled: dict[str, Path], variant: str, name: str) -> str:
    (path,) = compiled[variant].rglob(f"models/**/{name}.sql")
    return path.read_text()


def models_in_build_order(compiled: dict[str, Path]) -> list[dict]:
    """Every model of the project (from the compiled manifest), parents before children."""
    manifest = json.loads((compiled["full"].parent / "manifest.json").read_text())
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    ordered: list[dict] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in models:
            return
        seen.add(uid)
        for parent in models[uid]["depends_on"]["nodes"]:
            visit(parent)
        ordered.append(models[uid])

    for uid in sorted(models):
        visit(uid)
    return ordered


def test_every_compiled_statement_parses_as_athena(compiled: dict[str, Path]) -> None:
    found = statements(compiled)
    compiled_models = [k for k in found if k.startswith("full:") and "/models/" in k and ".yml/" not in k]
    assert len(compiled_models) == len(models_in_build_order(compiled)) >= 5
    assert any(k.startswith("ddl:") for k in found)
    for name, sql in found.items():
        parsed = sqlglot.parse(sql, read="athena", error_level=sqlglot.ErrorLevel.RAISE)
        assert parsed and all(p is not None for p in parsed), name


def test_no_duckdb_only_syntax(compiled: dict[str, Path]) -> None:
    for name, sql in statements(compiled).items():
        code = re.sub(r"'(?:[^']|'')*'", "''", sql)  # string literals (regexes, ARNs) may hold anything
        for pattern in DUCKDB_ONLY:
            assert not re.search(pattern, code, re.IGNORECASE), (name, pattern)
        if name.startswith("ddl:"):
            continue
        for tree in sqlglot.parse(sql, read="athena"):
            unknown = {f.name.upper() for f in tree.find_all(exp.Anonymous)}
            assert unknown <= ATHENA_ONLY_FUNCTIONS, (name, unknown - ATHENA_ONLY_FUNCTIONS)


def test_ddl_has_projection_and_no_body_columns(compiled: dict[str, Path]) -> None:
    ddl = compiled["ddl"].read_text()
    assert "'projection.log_hour.format' = 'yyyy/MM/dd/HH'" in ddl
    assert "'ignore.malformed.json' = 'true'" in ddl
    assert "`requestmetadata` map<string, string>" in ddl
    # token counts are strings, cast in staging: the SerDe would make a non-number count 0 tokens
    assert "inputtokencount: string" in ddl and "body" not in ddl.lower()


def test_incremental_read_prunes_to_the_folders_that_can_hold_new_files(compiled: dict[str, Path]) -> None:
    """Last built day 2026-11-06 (offline var: its last folder, 2026/11/06/23, is the newest stored),
    bedrock_costs_folder_settle_hours 3: only log_hour >= 2026/11/06/20 is read."""
    incremental = model_sql(compiled, "incremental", "stg_bedrock__log_lines")
    full = model_sql(compiled, "full", "stg_bedrock__log_lines")
    assert "log_hour >= '2026/11/06/20'" in incremental
    assert "log_hour >=" not in full
    # int_hourly_usage re-sums the days it found changed (offline: the last built day), by literal
    # date, so Athena prunes the partitions; the marts rebuild the days summed after theirs
    assert "usage_date in (date '2026-11-06')" in model_sql(compiled, "incremental", "int_hourly_usage")
    for mart in MARTS:
        assert "summed_at > (select max(built.summed_at)" in model_sql(compiled, "incremental", mart)
        assert "summed_at >" not in model_sql(compiled, "full", mart)


# ---------------------------------------------------------------------------------------------
# The semantic check


def to_duckdb(athena_sql: str) -> str:
    """Transpile Athena SQL to DuckDB, keeping Trino's semantics where sqlglot does not."""
    tree = sqlglot.parse_one(athena_sql, read="athena")
    # Trino's regexp_extract gives NULL on no match, DuckDB's gives ''. Innermost first, so that
    # nested calls are wrapped too.
    for node in reversed(list(tree.find_all(exp.RegexpExtract))):
        node.replace(exp.Nullif(this=node.copy(), expression=exp.Literal.string("")))
    # athena__fingerprint, from_big_endian_64(xxhash64(to_utf8(x))), is a 64-bit hash of x: DuckDB's
    # hash(x) is one too (the values differ; only equality between them is used)
    for node in list(tree.find_all(exp.Anonymous)):
        inner = node.expressions[0] if node.name.upper() == "FROM_BIG_ENDIAN_64" and node.expressions else None
        if isinstance(inner, exp.Anonymous) and inner.name.upper() == "XXHASH64" and inner.expressions:
            text = inner.expressions[0]
            text = text.this if isinstance(text, exp.Encode) else text
            node.replace(exp.Anonymous(this="hash", expressions=[text.copy()]))
    return tree.sql(dialect="duckdb")


def seeds(compiled: dict[str, Path]) -> dict[str, tuple[Path, dict[str, str]]]:
    """Every seed of the project with its CSV and column types, from the compiled manifest."""
    manifest = json.loads((compiled["full"].parent / "manifest.json").read_text())
    return {node["name"]: (REPO / node["original_file_path"], node["config"].get("column_types") or {})
            for node in manifest["nodes"].values() if node["resource_type"] == "seed"}


def glue_log_table(con: duckdb.DuckDBPyConnection, logs: Path) -> None:
    """The Glue table's columns (lower-case, structs of bigint counts, partition columns, $path)
    over every object under AWSLogs/, offloaded bodies included, as Athena would list them."""
    con.sql(f"""
        create view awsdatacatalog.bedrock_costs.bedrock_invocation_logs as
        select
            filename as "$path",
            sizes.size as "$file_size",
            "schemaType" as schematype,
            "schemaVersion" as schemaversion,
            "timestamp",
            "accountId" as accountid,
            struct_pack(arn := "identity".arn) as "identity",
            "region",
            "requestId" as requestid,
            "operation",
            "modelId" as modelid,
            struct_pack(
                inputtokencount := try_cast("input"."inputTokenCount" as bigint),
                cachereadinputtokencount := try_cast("input"."cacheReadInputTokenCount" as bigint),
                cachewriteinputtokencount := try_cast("input"."cacheWriteInputTokenCount" as bigint)
            ) as "input",
            struct_pack(outputtokencount := try_cast("output"."outputTokenCount" as bigint)) as "output",
            "inferenceRegion" as inferenceregion,
            "requestMetadata" as requestmetadata,
            "errorCode" as errorcode,
            regexp_extract(filename, '/AWSLogs/([0-9]+)/', 1) as log_account,
            regexp_extract(filename, '/BedrockModelInvocationLogs/([a-z0-9-]+)/', 1) as log_region,
            regexp_extract(filename, '/([0-9]{{4}}/[0-9]{{2}}/[0-9]{{2}}/[0-9]{{2}})/', 1) as log_hour
        from read_json('{logs}/AWSLogs/*/BedrockModelInvocationLogs/*/**/*.json.gz',
            format = 'newline_delimited', compression = 'gzip', filename = true, ignore_errors = true,
            hive_partitioning = false,
            columns = {{
                'schemaType': 'varchar', 'schemaVersion': 'varchar', 'timestamp': 'varchar',
                'accountId': 'varchar', 'identity': 'struct(arn varchar)', 'region': 'varchar',
                'requestId': 'varchar', 'operation': 'varchar', 'modelId': 'varchar',
                'input': 'struct(inputTokenCount varchar, cacheReadInputTokenCount varchar, '
                         'cacheWriteInputTokenCount varchar)',
                'output': 'struct(outputTokenCount varchar)', 'inferenceRegion': 'varchar',
                'requestMetadata': 'map(varchar, varchar)', 'errorCode': 'varchar'
            }}) as log_lines
        left join read_blob('{logs}/AWSLogs/*/BedrockModelInvocationLogs/*/**/*.json.gz') as sizes
            using (filename)
    """)


def athena_models(compiled: dict[str, Path], logs: Path) -> dict[tuple[str, str], list[dict]]:
    """Run every compiled Athena model, transpiled, on DuckDB: {(schema suffix, name): rows}."""
    con = duckdb.connect()
    con.sql("attach ':memory:' as awsdatacatalog")
    models = models_in_build_order(compiled)
    for schema in {"bedrock_costs"} | {m["schema"] for m in models}:
        con.sql(f"create schema if not exists awsdatacatalog.{schema}")
    type_names = {"string": "varchar", "varchar": "varchar", "double": "double", "timestamp": "timestamp",
                  "date": "date", "int": "integer", "integer": "integer", "bigint": "bigint", "boolean": "boolean"}
    for seed, (csv_path, columns) in seeds(compiled).items():
        spec = ", ".join(f"'{c}': '{type_names[t.lower()]}'" for c, t in columns.items())
        options = f", columns = {{{spec}}}" if columns else ""
        con.sql(f"create table awsdatacatalog.bedrock_costs.{seed} as "
                f"select * from read_csv('{csv_path}', header = true{options})")
    glue_log_table(con, logs)
    out = {}
    for model in models:
        if model["config"]["materialized"] == "ephemeral":
            continue  # compiled into each model that reads it
        kind = "view" if model["config"]["materialized"] == "view" else "table"
        relation = f"awsdatacatalog.{model['schema']}.{model['name']}"
        con.sql(f"create {kind} {relation} as {to_duckdb(model['compiled_code'])}")
        if kind == "table":
            result = con.sql(f"select * from {relation}")
            suffix = model["schema"].removeprefix("bedrock_costs")
            out[(suffix, model["name"])] = [dict(zip(result.columns, row, strict=True)) for row in result.fetchall()]
    return out


def test_athena_models_give_the_duckdb_results(compiled: dict[str, Path], sample: Project) -> None:
    """Every table model (staging, marts and any later ones), row for row."""
    athena = athena_models(compiled, sample.logs)
    assert {name for _, name in athena} >= set(MARTS) | {"stg_bedrock__log_lines"}
    for (suffix, name), rows in athena.items():
        duckdb_rows = sample.query_rows(f"select * from main{suffix}.{name}")
        assert_same_rows(without_load_times(rows), without_load_times(duckdb_rows), name)


def without_load_times(rows: list[dict]) -> list[dict]:
    """loaded_at and summed_at are the times a build read a line and summed a day, and log_root is
    the S3 location on Athena but a folder on DuckDB: two builds differ there by design."""
    return [{column: value for column, value in row.items() if column not in ("loaded_at", "summed_at", "log_root")}
            for row in rows]


def test_semantic_check_catches_a_wrong_macro(compiled: dict[str, Path], sample: Project) -> None:
    """Guard for the guard: break the Athena regex semantics and the marts must differ."""
    lines = f"({model_sql(compiled, 'full', 'stg_bedrock__log_lines')})"
    lines_ref = '"awsdatacatalog"."bedrock_costs_staging"."stg_bedrock__log_lines"'
    caller_map = f"({model_sql(compiled, 'full', 'stg_seeds__caller_map')})"
    caller_map_ref = '"awsdatacatalog"."bedrock_costs_staging"."stg_seeds__caller_map"'
    athena_sql = (model_sql(compiled, "full", "int_callers_parsed").replace(lines_ref, lines)
                  .replace(caller_map_ref, caller_map))
    broken = athena_sql.replace("(?:.*/)?([^/]+)$", "(.+)$")  # IAM user names would keep their path
    assert broken != athena_sql
    con = duckdb.connect()
    con.sql("attach ':memory:' as awsdatacatalog")
    con.sql("create schema awsdatacatalog.bedrock_costs")
    con.sql(f"create table awsdatacatalog.bedrock_costs.caller_map as "
            f"select * from read_csv('{REPO / 'seeds' / 'caller_map.csv'}', header = true)")
    glue_log_table(con, sample.logs)
    good = con.sql(f"select distinct caller_name from ({to_duckdb(athena_sql)})").fetchall()
    bad = con.sql(f"select distinct caller_name from ({to_duckdb(broken)})").fetchall()
    assert ("jenkins-bot",) in good and ("jenkins-bot",) not in bad
