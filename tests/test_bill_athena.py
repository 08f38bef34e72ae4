"""The bill on Athena, without Athena: compile every model and test offline for the athena target
with a CUR table named (test_athena_sql compiles the project without one, where the bill models
are off), then
1. parse every compiled statement and the CUR table's DDL with sqlglot's athena dialect;
2. transpile the compiled Athena models to DuckDB and run them on a billed sample, a DuckDB view
   standing in for the Glue CUR table: the bill's tables must equal the DuckDB target's."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from conftest import GENERATOR, REPO, Project, assert_same_rows, make_project
from test_athena_sql import (
    ATHENA_ONLY_FUNCTIONS,
    DUCKDB_ONLY,
    glue_log_table,
    models_in_build_order,
    seeds,
    to_duckdb,
    without_load_times,
)

sys.path.insert(0, str(REPO / "scripts"))
import compile_athena

CUR_VARS: dict[str, Any] = {
    "bedrock_costs_cur_table": "cur_2_0",
    "bedrock_costs_cur_bucket": "example-cur-exports",
    "bedrock_costs_cur_prefix": "cur",
    "bedrock_costs_cur_export_name": "bedrock-costs-cur",
    "bedrock_costs_cur_start_period": "2026-01",
}
DDL_INLINE = "{% for statement in bedrock_costs.cur_table_statements() %}{{ statement }};\n\n{% endfor %}"
BILL_PATHS = ("/staging/cur/", "/intermediate/bill/", "/marts/bill/", "bill")


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bill_athena")
    shutil.copy(REPO / "profiles.yml.example", root / "profiles.yml")
    variables = {**compile_athena.EXAMPLE_VARS, **CUR_VARS, "bedrock_costs_offline_incremental": False}
    target = root / "out" / "full"
    compile_athena.dbt(["compile", "--target-path", str(target), "--log-path", str(root / "logs"),
                        "--vars", json.dumps(variables)], root)
    result = compile_athena.dbt(["compile", "--inline", DDL_INLINE, "--target-path", str(root / "out" / "ddl"),
                                 "--log-path", str(root / "logs"), "--vars", json.dumps(variables)], root)
    ddl = root / "out" / "create_cur_table.sql"
    ddl.write_text(result.result.results[0].node.compiled_code.strip() + "\n")
    return {"full": target / "compiled", "ddl": ddl}


def bill_statements(compiled: dict[str, Path]) -> dict[str, str]:
    relative = {p.relative_to(compiled["full"]).as_posix(): p for p in compiled["full"].rglob("*.sql")}
    found = {name: p.read_text() for name, p in relative.items() if any(part in name for part in BILL_PATHS)}
    for i, statement in enumerate(s for s in compiled["ddl"].read_text().split(";") if s.strip()):
        found[f"ddl:{i}"] = statement
    return found


def test_every_bill_statement_parses_as_athena(compiled: dict[str, Path]) -> None:
    found = bill_statements(compiled)
    models = [name for name in found if name.endswith(".sql") and "/models/" in name and ".yml/" not in name]
    reporting = [name for name in models if "/models/reporting/" in name]  # what the summary, report and notify read
    assert len(models) - len(reporting) == 29, sorted(models)  # 4 staging, 17 intermediate, 8 marts
    assert len(reporting) == 8, sorted(reporting)  # reporting/bill's 7, and notify's reporting/alerts/rpt_bill_alerts
    assert len([name for name in found if "data-tests" in name]) == 7
    for name, sql in found.items():
        parsed = sqlglot.parse(sql, read="athena", error_level=sqlglot.ErrorLevel.RAISE)
        assert parsed and all(p is not None for p in parsed), name
        code = re.sub(r"'(?:[^']|'')*'", "''", sql)
        for pattern in DUCKDB_ONLY:
            assert not re.search(pattern, code, re.IGNORECASE), (name, pattern)
        if not name.startswith("ddl:"):
            for tree in parsed:
                unknown = {f.name.upper() for f in tree.find_all(exp.Anonymous)}
                assert unknown <= ATHENA_ONLY_FUNCTIONS, (name, unknown - ATHENA_ONLY_FUNCTIONS)


def test_the_cur_table_ddl_projects_the_billing_period(compiled: dict[str, Path]) -> None:
    ddl = compiled["ddl"].read_text()
    location = "s3://example-cur-exports/cur/bedrock-costs-cur/data/"
    assert f"location '{location}'" in ddl
    assert "partitioned by (`billing_period` string)" in ddl and "stored as parquet" in ddl
    assert "'projection.billing_period.format' = 'yyyy-MM'" in ddl
    assert "'projection.billing_period.range' = '2026-01,NOW'" in ddl
    assert f"'storage.location.template' = '{location}BILLING_PERIOD=${{billing_period}}/'" in ddl
    assert "`product` map<string, string>" in ddl and "`line_item_iam_principal` string" in ddl
    assert "alter table bedrock_costs.cur_2_0 set tblproperties" in ddl
    staging = compiled["full"] / "bedrock_costs" / "models" / "staging" / "cur"
    reader = (staging / "stg_cur__bedrock_line_items.sql").read_text()  # the export's one read
    assert '"awsdatacatalog"."bedrock_costs"."cur_2_0"' in reader
    assert "billing_period >= '2026-01'" in reader


# ---------------------------------------------------------------------------------------------
# The semantic check


@pytest.fixture(scope="module")
def billed_sample(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("bill_athena_sample")
    subprocess.run([sys.executable, str(GENERATOR), "--records", "6000", "--days", "5", "--start-date", "2026-11-01",
                    "--seed", "19", "--out", str(root / "logs"), "--quiet", "--workers", "2", "--cur"],
                   check=True, capture_output=True)
    project = make_project(root / "project", root / "logs")
    project.default_vars = {"bedrock_costs_cur_path": str(root / "logs" / "cur")}
    run = project.dbt("build")
    assert run.success, "\n".join(m for m in run.messages if "ERROR" in m or "FAIL" in m)
    return project


def glue_cur_table(con: duckdb.DuckDBPyConnection, cur: Path) -> None:
    """The Glue CUR table as Athena reads it: the export's current files, the partition column and
    the "$path" pseudo-column."""
    files = []
    for manifest in cur.rglob("*-Manifest.json"):
        export = manifest.parents[2]
        files += [export / re.sub(r"^.*?/(data/BILLING_PERIOD=)", r"\1", uri)
                  for uri in json.loads(manifest.read_text())["dataFiles"]]
    listed = ", ".join(f"'{path}'" for path in files)
    con.sql(f"""
        create view awsdatacatalog.bedrock_costs.cur_2_0 as
        select
            *,
            filename as "$path",
            regexp_extract(filename, 'BILLING_PERIOD=([0-9]{{4}}-[0-9]{{2}})', 1) as billing_period
        from read_parquet([{listed}], filename = true)
    """)


def test_athena_bill_models_give_the_duckdb_results(compiled: dict[str, Path], billed_sample: Project) -> None:
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
    glue_log_table(con, billed_sample.logs)
    glue_cur_table(con, billed_sample.logs / "cur")
    compared = []
    for model in models:
        kind = "view" if model["config"]["materialized"] == "view" else "table"
        relation = f"awsdatacatalog.{model['schema']}.{model['name']}"
        con.sql(f"create {kind} {relation} as {to_duckdb(model['compiled_code'])}")
        if kind == "table" and any(part in model["original_file_path"] for part in ("/cur/", "/bill/")):
            result = con.sql(f"select * from {relation}")
            athena = [dict(zip(result.columns, row, strict=True)) for row in result.fetchall()]
            suffix = model["schema"].removeprefix("bedrock_costs")
            duckdb_rows = billed_sample.query_rows(f"select * from main{suffix}.{model['name']}")
            assert athena, model["name"]
            assert_same_rows(without_load_times(athena), without_load_times(duckdb_rows), model["name"])
            compared.append(model["name"])
    assert {"stg_cur__bedrock_lines", "int_bill_cells_compared", "fct_bill_reconciliation",
            "fct_bill_variance_by_cause", "fct_daily_app_cost_billed", "int_bill_line_owners",
            "int_bill_usage_allocated", "int_bill_shared_allocated", "int_bill_adjustments_allocated",
            "int_bill_tax_allocated", "fct_bill_chargeback"} <= set(compared)


def test_the_cur_table_ddl_for_trino_projects_the_billing_period(tmp_path: Path) -> None:
    """Trino's Hive connector: the same projection, as column and table properties, in the Hive catalog."""
    from dbt.cli.main import dbtRunner

    from conftest import environment

    shutil.copy(REPO / "profiles.yml.example", tmp_path / "profiles.yml")
    with environment(DBT_TARGET="trino", BEDROCK_LOGS_PATH=str(tmp_path), DBT_SEND_ANONYMOUS_USAGE_STATS="false"):
        result = dbtRunner().invoke(
            ["compile", "--inline", DDL_INLINE, "--project-dir", str(REPO), "--profiles-dir", str(tmp_path),
             "--target", "trino", "--no-populate-cache", "--quiet", "--target-path", str(tmp_path / "target"),
             "--log-path", str(tmp_path / "logs"), "--vars", json.dumps(CUR_VARS)])
    assert result.success, result.exception
    ddl = result.result.results[0].node.compiled_code
    location = "s3://example-cur-exports/cur/bedrock-costs-cur/data/"
    assert "create table hive.bedrock_costs.cur_2_0 (" in ddl
    assert "drop table if exists hive.bedrock_costs.cur_2_0" in ddl
    assert f"external_location = '{location}'" in ddl and "format = 'PARQUET'" in ddl
    assert "partitioned_by = array['billing_period']" in ddl and "partition_projection_enabled = true" in ddl
    assert f"partition_projection_location_template = '{location}BILLING_PERIOD=${{billing_period}}/'" in ddl
    # Trino's date projection has no month step: the periods are listed, from the first to 24 months ahead
    periods = re.search(r"partition_projection_values = array\[([^]]*)\]", ddl)
    assert "partition_projection_type = 'enum'" in ddl and periods is not None
    listed = [value.strip().strip("'") for value in periods.group(1).split(",")]
    assert listed[0] == "2026-01" and f"{dt.date.today():%Y-%m}" in listed and listed == sorted(set(listed))
    assert "product map(varchar, varchar)" in ddl
