"""Run dbt-athena against moto_server on 127.0.0.1, and read back the SQL it sent.

moto records every Athena query but executes none, so two gaps are filled here:
- GlueMirror applies the catalog effect of the DDL dbt sends (create schema, create external
  table, CTAS, create view, rename, set tblproperties) to moto's Glue, as Athena would. CTAS and
  view columns come from sqlglot, which resolves the select against what Glue holds.
- An Answer queues a result for a query whose rows dbt reads (the incremental cutoff's
  max(<date column>), data tests) through moto's /moto-api/static/athena/query-results.
Both run inside dbt-athena's AthenaCursor.execute, wrapped by hook_athena_cursor.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from conftest import REPO, DbtRun, environment

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
CATALOG = "awsdatacatalog"
QUERY_COMMENT = re.compile(r"^\s*(--[^\n]*\n\s*)+")


def moto_server_path() -> str | None:
    """The moto_server next to this interpreter, else on PATH, else None."""
    beside = Path(sys.executable).with_name("moto_server")
    return str(beside) if beside.exists() else shutil.which("moto_server")


def strip_comment(sql: str) -> str:
    """The statement without dbt's leading `-- /* {...} */` query comment."""
    return QUERY_COMMENT.sub("", sql).strip()


@dataclass(frozen=True)
class Query:
    """One query Athena (moto) was asked to run."""

    execution_id: str
    sql: str  # without dbt's query comment


@dataclass
class MotoServer:
    """A moto_server subprocess on 127.0.0.1."""

    url: str
    process: subprocess.Popen

    def aws_env(self) -> dict[str, str]:
        """Env vars that send every boto3 client, dbt-athena's included, to this server only."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def client(self, service: str) -> Any:
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name=REGION)
        return session.client(service, endpoint_url=self.url)

    def queue_result(self, columns: list[tuple[str, str]], rows: list[tuple[Any, ...]]) -> None:
        """Queue a result for the next query started: a header row (Athena sends one), then rows."""
        def row(values: tuple[Any, ...]) -> dict[str, Any]:
            return {"Data": [{} if value is None else {"VarCharValue": str(value)} for value in values]}

        result = {
            "rows": [row(tuple(name for name, _ in columns)), *map(row, rows)],
            "column_info": [{"Name": name, "Label": name, "Type": kind} for name, kind in columns],
        }
        body = json.dumps({"account_id": ACCOUNT_ID, "region": REGION, "results": [result]}).encode()
        request = urllib.request.Request(f"{self.url}/moto-api/static/athena/query-results", data=body,
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status != 201:
                raise RuntimeError(f"moto refused the query result: HTTP {response.status}")

    def queries(self, after: int = 0) -> list[Query]:
        """The queries started so far, oldest first (moto lists executions in start order),
        skipping the first `after`."""
        athena = self.client("athena")
        pages = athena.get_paginator("list_query_executions").paginate()
        execution_ids = [execution_id for page in pages for execution_id in page["QueryExecutionIds"]]
        found = []
        for execution_id in execution_ids[after:]:
            execution = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
            found.append(Query(execution_id, strip_comment(execution["Query"])))
        return found


@contextmanager
def moto_server(log: Path, timeout: float = 30) -> Iterator[MotoServer]:
    """moto_server on a free 127.0.0.1 port, stopped (this process only) on exit."""
    executable = moto_server_path()
    if executable is None:
        raise RuntimeError("moto_server is not installed (pip install 'moto[server]')")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen([executable, "-H", "127.0.0.1", "-p", str(port)],
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {process.returncode}: {log.read_text()[-1000:]}")
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not answer on {url} in {timeout:.0f} s") from None
                time.sleep(0.2)
        yield MotoServer(url=url, process=process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def glue_type(kind: exp.DataType | None) -> str:
    """A sqlglot type as Glue spells it (`struct<arn:string>`); string when sqlglot cannot tell."""
    if kind is None or kind.is_type(exp.DataType.Type.UNKNOWN, exp.DataType.Type.NULL):
        return "string"
    return re.sub(r"\s*([:,])\s*", r"\1", kind.sql(dialect="hive").lower())


def table_properties(statement: exp.Expression) -> dict[str, str]:
    """The 'key' = 'value' properties of a DDL statement (tblproperties or CTAS with (...))."""
    found: dict[str, str] = {}
    for prop in statement.find_all(exp.Property):
        value = prop.args.get("value")
        if value is not None:
            key = prop.this.this if isinstance(prop.this, exp.Literal) else prop.name
            found[key.lower()] = value.this if isinstance(value, exp.Literal) else value.sql("athena")
    return found


def array_names(node: exp.Expression | None) -> list[str]:
    """['usage_date'] from ARRAY['usage_date']."""
    return [literal.this for literal in node.find_all(exp.Literal)] if node is not None else []


@dataclass
class GlueMirror:
    """Applies the catalog effect of Athena DDL to moto's Glue; moto records DDL but runs none."""

    glue: Any

    def apply(self, sql: str) -> None:
        head = " ".join(sql[:200].lower().split())
        if re.match(r"create (schema|database) ", head):
            database = sqlglot.parse_one(sql, dialect="athena").this  # a Table naming only a db
            self._create_database(database.db or database.name)
        elif re.match(r"create (external table|table|or replace view) ", head):
            self._create(sqlglot.parse_one(sql, dialect="athena"), sql)
        elif re.match(r"alter table \S+ rename to ", head):
            source, target = sqlglot.parse_one(sql, dialect="athena").find_all(exp.Table)
            self._rename(source, target)
        elif re.match(r"alter table \S+ set tblproperties ", head):
            statement = sqlglot.parse_one(sql, dialect="athena")
            self._set_parameters(statement.this, table_properties(statement))

    def table(self, schema: str, name: str) -> dict[str, Any] | None:
        try:
            return self.glue.get_table(DatabaseName=schema, Name=name)["Table"]
        except self.glue.exceptions.EntityNotFoundException:
            return None

    def sqlglot_schema(self) -> dict[str, dict[str, dict[str, dict[str, str]]]]:
        """{catalog: {database: {table: {column: type}}}} for everything Glue holds now."""
        databases: dict[str, dict[str, dict[str, str]]] = {}
        for page in self.glue.get_paginator("get_databases").paginate():
            for database in page["DatabaseList"]:
                tables = databases.setdefault(database["Name"], {})
                pages = self.glue.get_paginator("get_tables").paginate(DatabaseName=database["Name"])
                for table in (table for table_page in pages for table in table_page["TableList"]):
                    columns = table["StorageDescriptor"]["Columns"] + table.get("PartitionKeys", [])
                    # every Athena table has the hidden "$path" and "$file_size" columns (the object a
                    # row came from, and its size)
                    tables[table["Name"]] = {"$path": "string", "$file_size": "bigint",
                                             **{column["Name"]: column["Type"] for column in columns}}
        return {CATALOG: databases}

    def select_columns(self, select: exp.Expression) -> list[tuple[str, str]]:
        """A CTAS or view body's output columns: stars expanded, types inferred where possible."""
        schema = self.sqlglot_schema()
        resolved = qualify(select.copy(), schema=schema, dialect="athena", catalog=CATALOG,
                           validate_qualify_columns=False, quote_identifiers=False)
        typed = annotate_types(resolved, schema=schema, dialect="athena")
        return [(projection.alias_or_name, glue_type(projection.type)) for projection in typed.selects]

    def _create_database(self, name: str) -> None:
        with contextlib.suppress(self.glue.exceptions.AlreadyExistsException):
            self.glue.create_database(DatabaseInput={"Name": name})

    def _create(self, statement: exp.Create, sql: str) -> None:
        declared = statement.this if isinstance(statement.this, exp.Schema) else None
        target: exp.Table = declared.this if declared else statement.this
        view = statement.kind.upper() == "VIEW"
        if declared:
            columns = [(column.name, glue_type(column.args.get("kind"))) for column in declared.expressions]
        else:
            columns = self.select_columns(statement.expression)
        properties = table_properties(statement)
        iceberg = properties.get("table_type", "").lower() == "iceberg"
        partitioned = statement.find(exp.PartitionedByProperty)
        if partitioned is not None and isinstance(partitioned.this, exp.Schema):  # external table DDL
            partition_keys = [(c.name, glue_type(c.args.get("kind"))) for c in partitioned.this.expressions]
        else:  # Hive CTAS: partition columns become partition keys; Iceberg keeps them as columns
            names = [] if iceberg else array_names(partitioned)
            partition_keys = [column for column in columns if column[0] in names]
            columns = [column for column in columns if column[0] not in names]
        location = properties.pop("external_location", None)
        if location is None and (found := statement.find(exp.LocationProperty)) is not None:
            location = found.this.this
        parameters = {key: value for key, value in properties.items()
                      if key not in ("is_external", "partitioning", "table_type")}
        if iceberg:
            parameters["table_type"] = "ICEBERG"
        table_input: dict[str, Any] = {
            "Name": target.name,
            "TableType": "VIRTUAL_VIEW" if view else "EXTERNAL_TABLE",
            "Parameters": parameters,
            "StorageDescriptor": {"Columns": [{"Name": n, "Type": t} for n, t in columns],
                                  "Location": location or ""},
            "PartitionKeys": [{"Name": n, "Type": t} for n, t in partition_keys],
        }
        if view:
            table_input["ViewOriginalText"] = sql
        if self.table(target.db, target.name) is None:
            self.glue.create_table(DatabaseName=target.db, TableInput=table_input)
        elif view and statement.args.get("replace"):
            self.glue.update_table(DatabaseName=target.db, TableInput=table_input)
        elif not statement.args.get("exists"):
            raise RuntimeError(f"Athena would fail: {target.db}.{target.name} already exists")

    def _rename(self, source: exp.Table, target: exp.Table) -> None:
        table = self.table(source.db, source.name)
        if table is None:
            raise RuntimeError(f"Athena would fail: {source.db}.{source.name} does not exist")
        keep = ("TableType", "Parameters", "StorageDescriptor", "PartitionKeys", "ViewOriginalText")
        self.glue.create_table(DatabaseName=target.db,
                               TableInput={"Name": target.name, **{k: table[k] for k in keep if k in table}})
        self.glue.delete_table(DatabaseName=source.db, Name=source.name)

    def _set_parameters(self, target: exp.Table, parameters: dict[str, str]) -> None:
        table = self.table(target.db, target.name)
        if table is None:
            raise RuntimeError(f"Athena would fail: {target.db}.{target.name} does not exist")
        keep = ("TableType", "StorageDescriptor", "PartitionKeys", "ViewOriginalText")
        self.glue.update_table(DatabaseName=target.db, TableInput={
            "Name": target.name, **{k: table[k] for k in keep if k in table},
            "Parameters": {**table.get("Parameters", {}), **parameters}})


@dataclass(frozen=True)
class Answer:
    """The result moto returns for each query whose SQL (comment stripped) matches `pattern`."""

    pattern: str
    columns: list[tuple[str, str]]  # (name, Athena type)
    rows: list[tuple[Any, ...]]

    def matches(self, sql: str) -> bool:
        return re.search(self.pattern, sql, flags=re.IGNORECASE) is not None


# dbt wraps every data test in `select count(*) as failures, ... from (...) dbt_internal_test`.
PASSING_TESTS = Answer(r"\bdbt_internal_test\b",
                       [("failures", "bigint"), ("should_warn", "boolean"), ("should_error", "boolean")],
                       [(0, "false", "false")])


def hook_athena_cursor(monkeypatch: pytest.MonkeyPatch, server: MotoServer, mirror: GlueMirror,
                       answers: list[Answer]) -> None:
    """Wrap dbt-athena's AthenaCursor.execute: queue the matching answer, run, mirror the DDL.

    moto gives a queued result to whichever query starts next, so dbt must run one thread."""
    from dbt.adapters.athena.connections import AthenaCursor

    original = AthenaCursor.execute

    def execute(cursor: AthenaCursor, operation: str, parameters: list[Any] | None = None) -> AthenaCursor:
        sql = strip_comment(operation)
        answer = next((answer for answer in answers if answer.matches(sql)), None)
        if answer is not None:
            server.queue_result(answer.columns, answer.rows)
        result = original(cursor, operation, parameters)
        mirror.apply(sql)
        return result

    monkeypatch.setattr(AthenaCursor, "execute", execute)


def run_dbt(root: Path, env: dict[str, str], *args: str, vars: dict[str, Any] | None = None) -> DbtRun:
    """dbt in this process on the athena target, one thread, root as its profiles/target/log dir."""
    from dbt.cli.main import dbtRunner

    messages: list[str] = []
    command = [*args, "--project-dir", str(REPO), "--profiles-dir", str(root), "--threads", "1",
               "--target-path", str(root / "target"), "--log-path", str(root / "logs")]
    if vars:
        command += ["--vars", json.dumps(vars)]
    with environment(**env, DBT_TARGET="athena", DBT_SEND_ANONYMOUS_USAGE_STATS="false"):
        result = dbtRunner(callbacks=[lambda event: messages.append(event.info.msg)]).invoke(command)
    return DbtRun(result, messages)
