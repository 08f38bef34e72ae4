"""The production SQL on a real engine. Athena engine v3 is Trino: a local Trino 476
(scripts/trino_local.sh: Hive connector with the OpenX JSON SerDe and partition projection for the
raw logs, Iceberg for the project's tables) runs the same SQL the athena target compiles to, and is
a target of its own. On the same log files:
1. the whole project builds on the trino target and every mart equals the DuckDB target's, row for
   row, within 1e-9 USD; the summary, the report and every export section read from it (through the
   one reader, src/bedrock_costs/warehouse.py) show the same figures as on DuckDB;
2. one more day, then a scheduled build, equals a full refresh;
3. the bad-input fixtures give the same audit counts as on DuckDB;
4. the scheduled build reads only the log folders that can hold a new file (about one day's bytes),
   measured by Trino itself (EXPLAIN ANALYZE: the projected log_hour range, and the physical input).

Needs Java 24+ and Maven (scripts/trino_local.sh); CI has both. BEDROCK_COSTS_SKIP_TRINO=1 skips
these tests, visibly, on a machine without them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, DbtRun, Project, assert_same_rows, environment, generate, make_project

pytestmark = pytest.mark.skipif(os.environ.get("BEDROCK_COSTS_SKIP_TRINO") == "1",
                                reason="BEDROCK_COSTS_SKIP_TRINO=1: the Trino checks were asked to be skipped")

PORT = os.environ.get("BEDROCK_COSTS_TEST_TRINO_PORT", "18091")
ACCOUNTS = ["111122223333", "444455556666", "777788889999"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "us-gov-west-1"]
MARTS = ["fct_daily_app_cost", "fct_daily_caller_cost", "fct_daily_app_caller_cost", "fct_daily_residency",
         "fct_daily_end_user_cost", "fct_app_budget_status", "fct_cost_anomalies", "fct_model_whatif",
         "fct_app_cache_economics"]


@pytest.fixture(scope="session")
def trino_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local Trino for this test session, on its own port and run dir; stopped at the end."""
    run_dir = tmp_path_factory.mktemp("trino_server")
    env = {**os.environ, "BEDROCK_COSTS_TRINO_PORT": PORT, "BEDROCK_COSTS_TRINO_DATA": str(run_dir)}
    script = str(REPO / "scripts" / "trino_local.sh")
    started = subprocess.run(["bash", script, "start"], env=env, capture_output=True, text=True)
    assert started.returncode == 0, f"the local Trino did not start:\n{started.stdout}\n{started.stderr}"
    try:
        yield PORT
    finally:
        subprocess.run(["bash", script, "stop"], env=env, capture_output=True, text=True)


@dataclass
class TrinoProject:
    """A dbt project on the trino target: its own schema (raw table in hive.<schema>, models in
    iceberg.<schema> and iceberg.<schema>_staging) over one log folder."""

    root: Path
    logs: Path
    schema: str
    port: str

    def dbt(self, *args: str, vars: dict[str, Any] | None = None) -> DbtRun:
        from dbt.cli.main import dbtRunner

        messages: list[str] = []
        project_vars = {"bedrock_costs_log_accounts": ACCOUNTS, "bedrock_costs_log_regions": REGIONS,
                        "bedrock_costs_log_start_date": "2026-10-01", **(vars or {})}
        command = [*args, "--project-dir", str(REPO), "--profiles-dir", str(self.root),
                   "--target-path", str(self.root / "target"), "--log-path", str(self.root / "logs"),
                   "--vars", json.dumps(project_vars)]
        with environment(DBT_TARGET="trino", BEDROCK_LOGS_PATH=str(self.logs), BEDROCK_COSTS_TRINO_PORT=self.port,
                         BEDROCK_COSTS_TRINO_SCHEMA=self.schema, DBT_SEND_ANONYMOUS_USAGE_STATS="false"):
            result = dbtRunner(callbacks=[lambda event: messages.append(event.info.msg)]).invoke(command)
        return DbtRun(result, messages)

    def build(self, *args: str) -> DbtRun:
        table = self.dbt("run-operation", "create_bedrock_log_table")
        assert table.success, table.messages[-10:]
        run = self.dbt("build", *args)
        assert run.success, [m for m in run.messages if "ERROR" in m or "FAIL" in m or "Error" in m][-15:]
        return run

    def query(self, sql: str) -> list[dict[str, Any]]:
        import trino

        connection = trino.dbapi.connect(host="127.0.0.1", port=int(self.port), user="bedrock_costs_tests",
                                         catalog="iceberg", schema=self.schema)
        cursor = connection.cursor()
        cursor.execute(sql)
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, [float(v) if isinstance(v, Decimal) else v for v in row], strict=True))
                for row in cursor.fetchall()]
        connection.close()
        return rows

    def mart(self, name: str) -> list[dict[str, Any]]:
        return self.query(f"select * from iceberg.{self.schema}.{name}")


def trino_project(root: Path, logs: Path, schema: str, port: str) -> TrinoProject:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "profiles.yml.example", root / "profiles.yml")
    return TrinoProject(root, logs, schema, port)


@pytest.fixture(scope="module")
def sample_on_trino(trino_server: str, sample: Project, tmp_path_factory: pytest.TempPathFactory) -> TrinoProject:
    """The shared sample's logs, built on the trino target."""
    project = trino_project(tmp_path_factory.mktemp("sample_on_trino"), sample.logs, "sample_equal", trino_server)
    project.build()
    return project


def test_the_project_builds_on_trino_and_every_mart_equals_duckdb(sample_on_trino: TrinoProject,
                                                                     sample: Project) -> None:
    project = sample_on_trino
    for mart in MARTS:
        assert_same_rows(project.mart(mart), sample.mart(mart), mart)


# ---------------------------------------------------------------------------------------------
# What a person reads, on Trino: the summary, the report and the exports, through the one reader.


def same(got: Any, want: Any, where: str = "") -> None:
    """Equal, floats within 1e-9 (sums of doubles in another order), recursively."""
    if isinstance(want, float) or isinstance(got, float):
        assert got == pytest.approx(want, abs=1e-9), where
    elif isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), where
        for key in want:
            same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want), (where, len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            same(g, w, f"{where}[{i}]")
    else:
        assert got == want, (where, got, want)


@pytest.fixture(scope="module")
def readers(sample_on_trino: TrinoProject, sample: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[Any, Any]]:
    """The same sample, read on Trino and on DuckDB (a checkpointed copy, read-only)."""
    from bedrock_costs.warehouse import DuckDBWarehouse, TrinoWarehouse

    sample.query("checkpoint")
    copy = tmp_path_factory.mktemp("duck") / "bedrock_costs.duckdb"
    shutil.copy(sample.database, copy)
    trino = TrinoWarehouse("127.0.0.1", int(sample_on_trino.port), "bedrock_costs_tests", "iceberg",
                           sample_on_trino.schema)
    duck = DuckDBWarehouse(copy)
    yield trino, duck
    trino.close()
    duck.close()


@pytest.mark.parametrize("days", [2, 0])
def test_the_summary_on_trino_equals_duckdb(readers: tuple[Any, Any], days: int) -> None:
    """Every figure of the summary, to the cent: the text is the same, line for line."""
    from bedrock_costs import summary

    trino, duck = readers
    on_duckdb = summary.summary(duck, days, 5)
    assert summary.summary(trino, days, 5) == on_duckdb
    assert "Bedrock cost by app and team" in on_duckdb and "Top 5 callers" in on_duckdb


def test_the_report_on_trino_equals_duckdb(readers: tuple[Any, Any], tmp_path: Path) -> None:
    """Every number the report shows (its data, read on each engine) and the page's numbers."""
    import dataclasses

    from bedrock_costs import report
    from bedrock_costs.report.data import load
    from test_report import Elements

    trino, duck = readers
    for days in (2, None):
        on_trino, on_duckdb = load(trino, days, 10), load(duck, days, 10)
        assert on_trino is not None and on_duckdb is not None
        got, want = dataclasses.asdict(on_trino), dataclasses.asdict(on_duckdb)
        got.pop("generated_at"), want.pop("generated_at")
        assert {m["name"] for m in want["optional"]} == set(report.OPTIONAL_MARTS), "every FinOps section"
        same(got, want, f"report (days={days})")
    pages = {}
    for name, reader in (("trino", trino), ("duckdb", duck)):
        out = tmp_path / f"{name}.html"
        report.write_report(reader, out, days=2)
        pages[name] = Elements(out.read_text())
    def numbers(page: Elements) -> list[dict[str, Any]]:
        """Every data-* attribute of the page, in order; a number as a float."""
        def value(text: str) -> Any:
            try:
                return float(text)
            except ValueError:
                return text
        return [{k: value(v) for k, v in e.attrs.items() if k.startswith("data-")} for e in page.all]

    same(numbers(pages["trino"]), numbers(pages["duckdb"]), "the page's data-* attributes")


def test_every_export_section_on_trino_equals_duckdb(readers: tuple[Any, Any], tmp_path: Path) -> None:
    from bedrock_costs import export, figures

    trino, duck = readers
    data = figures.data_window(duck)
    assert data is not None and figures.data_window(trino) == data
    period = data.last_days(2)
    for name in export.SECTIONS:
        outs = {}
        for engine, reader in (("trino", trino), ("duckdb", duck)):
            written = export.export(reader, data, period, [name], tmp_path / engine, "json")
            outs[engine] = json.loads(written[0][1].read_text()) if written[0][1] else written[0][2]
        same(outs["trino"], outs["duckdb"], name)


def test_the_commands_read_the_trino_target(sample_on_trino: TrinoProject, readers: tuple[Any, Any],
                                            capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`--target trino` reads profiles.yml's trino output, as dbt does (env_var() and all)."""
    import dataclasses

    from bedrock_costs import budget_alerts, summary

    trino, duck = readers
    with environment(BEDROCK_COSTS_TRINO_PORT=sample_on_trino.port, BEDROCK_COSTS_TRINO_SCHEMA=sample_on_trino.schema):
        assert summary.main(["--target", "trino", "--profiles-dir", str(sample_on_trino.root), "--days", "3"]) == 0
        assert capsys.readouterr().out.rstrip("\n") == summary.summary(duck, 3, 8)
        code = budget_alerts.main(["--target", "trino", "--profiles-dir", str(sample_on_trino.root), "--forecast"])
    out = capsys.readouterr().out
    assert code in (0, 1) and ("over an alert threshold" in out)
    same([dataclasses.asdict(r) for r in budget_alerts.read_rows(trino)],
         [dataclasses.asdict(r) for r in budget_alerts.read_rows(duck)], "budget rows")


# ---------------------------------------------------------------------------------------------
# The bill and its chargeback on Trino: the CUR table over the export's files, the same rows as DuckDB

BILL_MARTS = ["fct_bill_reconciliation", "fct_bill_variance_by_cause", "fct_daily_app_cost_billed",
              "fct_bill_chargeback", "fct_bill_caller_comparison", "fct_bill_profile_tag_comparison"]


@pytest.fixture(scope="module")
def billed_on_both(trino_server: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[TrinoProject, Project]:
    """Five days of logs and their bill (every shared charge planted), built on Trino, through the CUR
    table create_cur_table makes over a local copy of the export, and on DuckDB."""
    root = tmp_path_factory.mktemp("bill_on_trino")
    logs = root / "logs"
    generate(logs, 6_000, 5, "2026-11-01", 19, "--cur")
    for stale in (logs / "cur").rglob("*-stale-*.parquet"):
        stale.unlink()  # a table reads every file of a period's folder: the export overwrites (OVERWRITE_REPORT)
    duck = make_project(root / "duckdb", logs)
    duck.default_vars = {"bedrock_costs_cur_path": str(logs / "cur")}
    run = duck.dbt("build")
    assert run.success, [m for m in run.messages if "ERROR" in m or "FAIL" in m][-15:]
    project = trino_project(root / "trino", logs, "bill_equal", trino_server)
    cur = {"bedrock_costs_cur_table": "cur_2_0", "bedrock_costs_cur_path": str(logs / "cur"),
           "bedrock_costs_cur_export_name": "bedrock-costs-cur", "bedrock_costs_cur_start_period": "2026-10"}
    for step in (("run-operation", "create_bedrock_log_table"), ("run-operation", "create_cur_table"), ("build",)):
        done = project.dbt(*step, vars=cur)
        assert done.success, [m for m in done.messages if "ERROR" in m or "FAIL" in m or "Error" in m][-15:]
    return project, duck


@pytest.mark.parametrize("mart", BILL_MARTS)
def test_the_bill_and_its_chargeback_on_trino_equal_duckdb(billed_on_both: tuple[TrinoProject, Project],
                                                           mart: str) -> None:
    trino, duck = billed_on_both
    assert_same_rows(trino.mart(mart), duck.mart(mart), mart)


def test_the_chargeback_command_and_export_on_trino_equal_duckdb(billed_on_both: tuple[TrinoProject, Project],
                                                                 tmp_path: Path) -> None:
    """What finance gets, on each engine: `bedrock-costs chargeback` and the bill's export sections."""
    from bedrock_costs import chargeback, export, figures
    from bedrock_costs.warehouse import DuckDBWarehouse, TrinoWarehouse

    trino_project_, duck = billed_on_both
    duck.query("checkpoint")
    copy = tmp_path / "duck.duckdb"
    shutil.copy(duck.database, copy)
    trino = TrinoWarehouse("127.0.0.1", int(trino_project_.port), "bedrock_costs_tests", "iceberg",
                           trino_project_.schema)
    on_duckdb = DuckDBWarehouse(copy)
    try:
        files = {}
        for engine, reader in (("trino", trino), ("duckdb", on_duckdb)):
            path, rows, net = chargeback.write_chargeback(reader, "2026-11", tmp_path / engine, "json")
            files[engine] = (json.loads(path.read_text()), rows, net)
        same(files["trino"], files["duckdb"], "chargeback_2026-11.json")
        data = figures.data_window(on_duckdb)
        assert data is not None
        for name in ("chargeback", "bill_unattributed", "bill_waterfall", "bill_status"):
            outs = [json.loads(export.export(reader, data, data, [name], tmp_path / f"{engine}_export", "json")[0][1]
                               .read_text()) for engine, reader in (("trino", trino), ("duckdb", on_duckdb))]
            assert outs[1], name
            same(outs[0], outs[1], name)
    finally:
        trino.close()
        on_duckdb.close()


def test_notify_on_trino_sends_duckdbs_alerts_once_and_keeps_its_state_in_iceberg(
        sample_on_trino: TrinoProject, readers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    """`notify --target trino`: the alerts it reads are DuckDB's (rpt_alert_candidates and the budgets); one
    route (a JSON webhook on a local HTTP server) gets every one of them once; the state is an Iceberg table in
    the schema; a second run sends and records nothing."""
    from bedrock_costs import notify
    from bedrock_costs.notify.alerts import read_alerts
    from notify_support import http_sink

    trino, duck = readers
    expected = sorted(alert.key for alert in read_alerts(duck))
    assert sorted(alert.key for alert in read_alerts(trino)) == expected and expected
    # the routing seed a team would write: everything to one webhook
    trino.execute("drop table if exists alert_routes", [])
    trino.execute(
        "create table alert_routes as select * from (values ('everything', cast(null as varchar), "
        "cast(null as varchar), cast(null as varchar), cast(null as varchar), 'webhook', 'env:TEST_WEBHOOK_URL', "
        "cast(null as varchar), cast(null as varchar), true)) as routes (route, alert_kind, team, app, cost_center, "
        "channel, secret_ref, destination, sender, is_default)", [])
    args = ["--target", "trino", "--profiles-dir", str(sample_on_trino.root)]
    with http_sink() as sink, environment(BEDROCK_COSTS_TRINO_PORT=sample_on_trino.port,
                                          BEDROCK_COSTS_TRINO_SCHEMA=sample_on_trino.schema,
                                          TEST_WEBHOOK_URL=f"{sink.url}/hook/Trino-token-planted"):
        assert notify.main(args) == 0, capsys.readouterr().err
        first = capsys.readouterr().out
        assert notify.main(args) == 0, capsys.readouterr().err
        second = capsys.readouterr().out
    (request,) = sink.requests
    assert sorted(alert["key"] for alert in request.json()["alerts"]) == expected
    assert f"{len(expected)} to send, 0 sent before" in first and "Nothing new to send." in second
    state = sample_on_trino.query("select alert_key, route, event, notified_at from alert_deliveries")
    assert sorted(row["alert_key"] for row in state) == expected
    assert {(row["route"], row["event"]) for row in state} == {("everything", "alert")}
    (table_type,) = sample_on_trino.query("select value from \"alert_deliveries$properties\" "
                                          "where key = 'write.format.default'")
    assert table_type["value"].lower() == "parquet"  # an Iceberg table: its properties table exists
    assert "Trino-token-planted" not in first + second


def log_file_bytes(logs: Path) -> dict[Path, int]:
    """Every log file under `logs` and its size (the offloaded bodies under data/ are not log files)."""
    return {path: path.stat().st_size for path in (logs / "AWSLogs").rglob("*.json.gz") if "data" not in path.parts}


@pytest.fixture(scope="module")
def incremental(trino_server: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[TrinoProject, TrinoProject, int]:
    """Eight days built, then a ninth day delivered and a scheduled build; and a full refresh of the
    same nine days in another schema, the reference. The scheduled build runs its data tests (scoped
    to the days it rebuilt); the first build and the reference build without theirs: on a full
    build they are the same SQL the sample's build runs on this engine (about 45 s of Trino each).
    Also the bytes of the log files the ninth day delivered."""
    root = tmp_path_factory.mktemp("trino_incremental")
    logs = root / "logs"
    generate(logs, records=6_000, days=8, start="2026-11-01", seed=31)
    project = trino_project(root / "incremental", logs, "incremental_run", trino_server)
    project.build("--exclude-resource-type", "test")
    before = log_file_bytes(logs)
    generate(logs, records=750, days=1, start="2026-11-09", seed=31)
    delivered = sum(size for path, size in log_file_bytes(logs).items() if before.get(path) != size)
    project.build()
    full = trino_project(root / "full", logs, "full_refresh", trino_server)
    full.build("--full-refresh", "--exclude-resource-type", "test")
    return project, full, delivered


@pytest.mark.parametrize("mart", [*MARTS, "audit_log_files"])
def test_an_incremental_run_on_trino_equals_a_full_refresh(incremental: tuple[TrinoProject, TrinoProject, int],
                                                           mart: str) -> None:
    project, full, _ = incremental
    assert_same_rows(project.mart(mart), full.mart(mart), mart)


def physical_input(plan: str) -> tuple[list[str], float, int]:
    """From EXPLAIN ANALYZE text: the log_hour ranges the scan of the log table was pruned to, its
    physical input in bytes and its splits."""
    scan = plan[plan.index("bedrock_invocation_logs"):]
    # "log_hour:string:PARTITION_KEY" then, on the next line (after the plan's box drawing), ":: [[from, to]]"
    ranges = re.findall(r"log_hour:[^\n]*PARTITION_KEY[\s│]*::\s*\[\[([^\]]*)\]", scan)
    size = re.search(r"Physical input: ([0-9.]+)([kMG]?B)", scan)
    assert size, scan[:2000]
    splits = re.search(r"Splits: ([0-9,]+)", scan)
    units = {"B": 1, "kB": 2**10, "MB": 2**20, "GB": 2**30}  # Trino's (airlift's) data sizes are binary
    return ranges, float(size.group(1)) * units[size.group(2)], int(splits.group(1).replace(",", "")) if splits else -1


def test_a_scheduled_run_reads_only_the_folders_that_can_hold_new_files(
        incremental: tuple[TrinoProject, TrinoProject, int], record_property: Any) -> None:
    """The read of the raw logs, measured by Trino: the full refresh scans every projected hour; the
    scheduled run (eight days built, a ninth delivered) only the folders from the newest one stored,
    less bedrock_costs_folder_settle_hours (3), on: at most 1.5 times the bytes of the log files the
    new day delivered (measured on disk). The figures go to docs/benchmarks.md."""
    project, full, delivered = incremental
    compiled = "target/compiled/bedrock_costs/models/staging/bedrock/stg_bedrock__log_lines.sql"
    plans = {}
    for name, built in (("incremental", project), ("full", full)):
        select = (built.root / compiled).read_text()
        plans[name] = "\n".join(row["Query Plan"] for row in built.query(f"explain analyze {select}"))
    incremental_ranges, incremental_bytes, incremental_splits = physical_input(plans["incremental"])
    full_ranges, full_bytes, full_splits = physical_input(plans["full"])
    cutoff = re.search(r"log_hour >= '([0-9/]+)'", (project.root / compiled).read_text()).group(1)
    # the newest folder of the eight days is 2026/11/08/23, or 11/09/00 (a record late in 11-08's last
    # hour): the read starts 3 hours before it, and the first 7 days and 20 hours are never read again
    assert cutoff in ("2026/11/08/20", "2026/11/08/21"), cutoff
    assert incremental_ranges and all(r.startswith(cutoff) for r in incremental_ranges), incremental_ranges
    assert full_ranges and all(r.startswith("2026/10/01/00") for r in full_ranges), full_ranges
    # the full refresh reads every log file once (Trino prints sizes to 3 digits)
    assert full_bytes == pytest.approx(sum(log_file_bytes(project.logs).values()), rel=0.02)
    assert incremental_bytes <= 1.5 * delivered, (incremental_bytes, delivered)
    assert incremental_splits < full_splits
    figures = {"incremental_bytes": incremental_bytes, "incremental_splits": incremental_splits,
               "full_bytes": full_bytes, "full_splits": full_splits, "incremental_log_hours": incremental_ranges,
               "delivered_bytes": delivered, "read_per_delivered_byte": round(incremental_bytes / delivered, 2)}
    print("TRINO SCAN", json.dumps(figures))
    record_property("trino_scan", json.dumps(figures))  # in --junitxml too (the workers' output is not shown)


def test_bad_input_gives_the_duckdb_audit_counts(trino_server: str, tmp_path: Path) -> None:
    """Every bad-input fixture, together, through the OpenX SerDe: the same audit counts per file as
    the DuckDB target's (log paths compared without their local:// scheme). Trino builds the audit,
    what it reads and their data tests, no more; DuckDB builds the whole project."""
    from test_bad_input import CASES, deliver

    logs = tmp_path / "logs"
    for case in CASES:
        deliver(case, logs)
    duck = make_project(tmp_path / "duckdb", logs)
    assert duck.dbt("build").success
    trino = trino_project(tmp_path / "trino", logs, "bad_input", trino_server)
    trino.build("--select", "+audit_log_files", "--indirect-selection", "cautious")
    columns = ["raw_line_count", "invocation_count", "duplicate_count", "malformed_count", "skipped_count",
               "unknown_schema_version_count"]

    def per_file(rows: list[dict[str, Any]]) -> dict[str, tuple]:
        return {row["log_file"].removeprefix("local://"): tuple(row[c] for c in columns) for row in rows}

    assert per_file(trino.mart("audit_log_files")) == per_file(duck.mart("audit_log_files"))


def test_a_broken_object_stops_trino_naming_it_until_it_is_listed_to_skip(trino_server: str, tmp_path: Path) -> None:
    """Trino (and Athena) stop a query on a file they cannot decode, naming it. Listed in
    bedrock_costs_skip_log_files, the next build reads around it: Trino never opens it, the marts hold
    the good files' calls, and the audit and its error test keep naming it."""
    from test_bad_input import ACCOUNT, check, deliver

    logs = tmp_path / "logs"
    expect = deliver("extra_fields", logs)
    hour = logs / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / "us-east-1" / "2026/11/05/11"
    hour.mkdir(parents=True, exist_ok=True)
    broken = hour / "20261105T110000000Z_notgzip.json.gz"
    broken.write_text('{"requestId": "plain-text"}\n')
    trino = trino_project(tmp_path / "trino", logs, "broken_object", trino_server)
    assert trino.dbt("run-operation", "create_bedrock_log_table").success
    first = trino.dbt("build")
    assert not first.success
    assert any(str(broken) in message for message in first.messages)

    listed = {"bedrock_costs_skip_log_files": [f"local://{broken}"]}
    second = trino.dbt("build", "--full-refresh", vars=listed)
    failed = {name for name, status in second.statuses().items() if status in ("fail", "error")}
    assert failed == {"assert_no_unreadable_log_files"}
    assert any(f"UNREADABLE: local://{broken}" in message for message in second.messages)
    (row,) = [r for r in trino.mart("audit_log_files") if r["log_file"] == f"local://{broken}"]
    assert (row["file_status"], row["problem"], row["raw_line_count"]) == ("unreadable", "skipped_by_config", 0)
    totals = trino.query(f"select sum(request_count) as requests, sum(input_tokens) as tokens "
                         f"from iceberg.{trino.schema}.fct_daily_app_cost")
    assert (totals[0]["requests"], totals[0]["tokens"]) == (expect["invocation"], expect["tokens"][0])
    # DuckDB honours the same list: the file is never opened there either
    duck = make_project(tmp_path / "duckdb", logs)
    run = duck.dbt("build", vars={"bedrock_costs_skip_log_files": [str(broken)]})
    assert {n for n, s in run.statuses().items() if s in ("fail", "error")} == {"assert_no_unreadable_log_files"}
    check(duck, expect)
    assert duck.query(f"select problem from main.audit_log_files where log_file = '{broken}'") == [
        ("skipped_by_config",)]
