"""The orchestrator recipes load: the Airflow DAG (astronomer-cosmos) parses into one task per dbt
model and seed followed by `bedrock-costs notify`, and the Dagster definitions (dagster-dbt) load
with one asset per model and seed and the notification asset after the marts it reads.

Each runs in a virtualenv of its own (tests/venvs.py, cached under ~/.cache/bedrock-costs), from the
manifest `dbt parse` writes; nothing is executed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from venvs import cached_venv, result_json, run_in

AIRFLOW = ["apache-airflow>=3.1,<4", "astronomer-cosmos>=1.11,<2"]
# dbt-core pinned as the project is (an unpinned dagster-dbt may pull dbt 2, which downloads a parser)
DAGSTER = ["dagster>=1.11,<2", "dagster-dbt>=0.27,<1", "dbt-core>=1.11,<1.12", "dbt-duckdb>=1.11,<1.12"]
NOTIFY = "bedrock-costs notify"


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`dbt parse` of the project (no bill): its profiles folder, target path and manifest; the nodes a
    scheduler runs (models and seeds, not the ephemeral steps compiled into the models that read them)."""
    root = tmp_path_factory.mktemp("parsed")
    shutil.copy(REPO / "profiles.yml.example", root / "profiles.yml")
    dbt = Path(sys.executable).parent / "dbt"
    subprocess.run([str(dbt), "parse", "--quiet", "--project-dir", str(REPO), "--profiles-dir", str(root),
                    "--target-path", str(root / "target"), "--log-path", str(root / "logs")],
                   check=True, capture_output=True, text=True,
                   env={**_env(), "BEDROCK_CUR_PATH": "", "DBT_TARGET": "local"})
    manifest = json.loads((root / "target" / "manifest.json").read_text())
    nodes = {node["name"]: node["resource_type"] for node in manifest["nodes"].values()
             if node["package_name"] == "bedrock_costs" and node["resource_type"] in ("model", "seed")
             and node["config"].get("enabled", True)
             and node["config"].get("materialized") != "ephemeral"}  # compiled into their readers: no task
    return {"root": root, "target": root / "target", "nodes": nodes}


def _env() -> dict[str, str]:
    return {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


AIRFLOW_CHECK = """
import json, sys
try:
    from airflow.dag_processing.dagbag import DagBag  # Airflow 3.2+
except ImportError:
    from airflow.models.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])  # AIRFLOW__CORE__LOAD_EXAMPLES=False: no example DAGs
out = {"import_errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": {}}
for dag_id, dag in bag.dags.items():
    out["dags"][dag_id] = {
        "schedule": str(dag.schedule), "max_active_tasks": dag.max_active_tasks,
        "tasks": {t.task_id: {"type": type(t).__name__, "upstream": sorted(t.upstream_task_ids),
                              "downstream": sorted(t.downstream_task_ids),
                              "command": getattr(t, "bash_command", None), "select": getattr(t, "select", None)}
                  for t in dag.tasks}}
print("RESULT " + json.dumps(out))
"""


def test_the_airflow_dag_parses_into_the_models_then_notify(parsed: dict[str, Any], tmp_path: Path) -> None:
    venv = cached_venv("airflow", AIRFLOW)
    env = {"AIRFLOW_HOME": str(tmp_path / "airflow"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "BEDROCK_COSTS_PROJECT_DIR": str(REPO), "BEDROCK_COSTS_DBT_PROFILES_DIR": str(parsed["root"]),
           "BEDROCK_COSTS_MANIFEST": str(parsed["target"] / "manifest.json"),
           "BEDROCK_COSTS_DBT": str(Path(sys.executable).parent / "dbt"), "DBT_TARGET": "local"}
    (tmp_path / "check.py").write_text(AIRFLOW_CHECK)
    dags = REPO / "examples" / "airflow" / "dags"
    result = result_json(run_in(venv, ["python", str(tmp_path / "check.py"), str(dags)], env=env, timeout=900))
    assert result["import_errors"] == {}
    dag = result["dags"]["bedrock_costs_daily"]
    tasks = dag["tasks"]
    assert dag["max_active_tasks"] == 1, "DuckDB (DBT_TARGET=local): one writer"
    assert "17 6 * * *" in dag["schedule"]
    # one `dbt build --select <node>` task per model and seed, named by cosmos
    # (cosmos selects a node by name, or by `fqn:` and its path since 1.12)
    built = {task["select"].split(".")[-1]: task_id for task_id, task in tasks.items()
             if task["type"] == "DbtBuildLocalOperator"}
    assert set(built) == set(parsed["nodes"]), set(built) ^ set(parsed["nodes"])
    assert tasks[built["fct_daily_app_cost"]]["upstream"] == [built["int_hourly_usage"]]
    assert built["stg_bedrock__log_lines"] in tasks[built["int_hourly_usage"]]["upstream"]
    # notify: the command, after every leaf of the build and after nothing else
    notify = tasks["notify"]
    assert notify["type"] == "BashOperator" and notify["command"] == NOTIFY
    leaves = {task_id for task_id, task in tasks.items() if task_id != "notify" and task["downstream"] == ["notify"]}
    assert set(notify["upstream"]) == leaves
    assert {built["fct_app_budget_status"], built["rpt_alert_candidates"]} <= leaves
    before_notify, todo = set(), list(notify["upstream"])
    while todo:
        task_id = todo.pop()
        if task_id not in before_notify:
            before_notify.add(task_id)
            todo += tasks[task_id]["upstream"]
    assert built["fct_cost_anomalies"] in before_notify, "the anomalies are built before notify reads them"
    assert all(task["downstream"] for task_id, task in tasks.items() if task_id != "notify")
    assert notify["downstream"] == []


DAGSTER_CHECK = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
module = importlib.import_module("bedrock_costs_dagster.definitions")
from dagster import Definitions
Definitions.validate_loadable(module.defs)
graph = module.defs.resolve_asset_graph()
job = module.defs.resolve_job_def("bedrock_costs_daily")
print("RESULT " + json.dumps({
    "assets": {k.path[-1]: sorted(p.path[-1] for p in graph.get(k).parent_keys) for k in graph.get_all_asset_keys()},
    "job_assets": sorted(k.path[-1] for k in job.asset_layer.asset_graph.get_all_asset_keys()),
    "schedules": [[s.name, s.cron_schedule, s.job_name] for s in module.defs.schedules],
    "notify": module.NOTIFY_COMMAND}))
"""


def test_the_dagster_definitions_load_the_models_then_notify(parsed: dict[str, Any], tmp_path: Path) -> None:
    venv = cached_venv("dagster", DAGSTER)
    env = {"DAGSTER_HOME": str(tmp_path), "BEDROCK_COSTS_PROJECT_DIR": str(REPO),
           "BEDROCK_COSTS_DBT_PROFILES_DIR": str(parsed["root"]),
           "BEDROCK_COSTS_DBT_TARGET_PATH": str(parsed["target"]),
           "BEDROCK_COSTS_DBT": str(venv / "bin" / "dbt"), "DBT_TARGET": "local"}
    (tmp_path / "check.py").write_text(DAGSTER_CHECK)
    result = result_json(run_in(venv, ["python", str(tmp_path / "check.py"), str(REPO / "examples" / "dagster")],
                                env=env, timeout=900))
    assets = result["assets"]
    assert set(assets) == set(parsed["nodes"]) | {"bedrock_costs_notification"}, set(assets) ^ set(parsed["nodes"])
    assert assets["fct_daily_app_cost"] == ["int_hourly_usage"]
    assert assets["bedrock_costs_notification"] == ["fct_app_budget_status", "rpt_alert_candidates"]
    assert "fct_cost_anomalies" in assets["rpt_alert_anomalies"], "the anomalies before the alerts that read them"
    assert result["notify"] == NOTIFY.split()
    assert set(result["job_assets"]) == set(assets), "the daily job builds every model, then notifies"
    assert result["schedules"] == [["bedrock_costs_daily_schedule", "17 6 * * *", "bedrock_costs_daily"]]
