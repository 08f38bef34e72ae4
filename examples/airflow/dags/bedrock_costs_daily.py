"""bedrock-costs from Airflow with astronomer-cosmos: every dbt model a task, then `bedrock-costs notify`.

Copy this file into your DAGs folder (MWAA: the `dags/` prefix of its S3 bucket; Astro: `dags/`).
docs/scheduling.md sets it up end to end. What it needs on the workers:

* the bedrock-costs checkout (the dbt project) at BEDROCK_COSTS_PROJECT_DIR, with a
  `target/manifest.json` made by `dbt parse` when you deploy (cosmos reads the DAG's shape from it,
  so parsing the DAG never runs dbt);
* dbt and bedrock-costs in a virtualenv of their own (`pip install 'bedrock-costs[athena]'`), at
  BEDROCK_COSTS_DBT (its `dbt`) and BEDROCK_COSTS_BIN (its `bin/` folder, for `bedrock-costs`):
  Airflow's own dependencies never meet dbt's;
* the environment profiles.yml reads (DBT_TARGET, BEDROCK_COSTS_ATHENA_*, AWS_REGION, ...).

Each model runs `dbt build --select <model>` (its tests included) in dependency order, so a failed
model stops only what depends on it and retries alone. On DuckDB (DBT_TARGET=local, one file, one
writer) the tasks run one at a time.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import LoadMode, TestBehavior

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG
except ImportError:  # Airflow 2.x (MWAA 2.10)
    from airflow import DAG
    from airflow.operators.bash import BashOperator

PROJECT_DIR = Path(os.environ.get("BEDROCK_COSTS_PROJECT_DIR", "/usr/local/airflow/dbt/bedrock-costs"))
PROFILES_DIR = Path(os.environ.get("BEDROCK_COSTS_DBT_PROFILES_DIR", str(PROJECT_DIR)))
MANIFEST = Path(os.environ.get("BEDROCK_COSTS_MANIFEST", str(PROJECT_DIR / "target" / "manifest.json")))
DBT = os.environ.get("BEDROCK_COSTS_DBT", "/usr/local/airflow/dbt_venv/bin/dbt")
BIN = os.environ.get("BEDROCK_COSTS_BIN", str(Path(DBT).parent))
TARGET = os.environ.get("DBT_TARGET", "athena")

# The step after the build: alerts on budgets and anomalies from the marts just built.
NOTIFY_COMMAND = "bedrock-costs notify"

with DAG(
    dag_id="bedrock_costs_daily",
    description="dbt build of the bedrock-costs marts, model by model, then bedrock-costs notify",
    schedule="17 6 * * *",  # 06:17 UTC: yesterday's logs have landed
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,  # two builds never write the same tables
    max_active_tasks=1 if TARGET == "local" else 8,  # DuckDB: one file, one writer
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["bedrock-costs", "dbt", "finops"],
) as dag:
    build = DbtTaskGroup(
        group_id="dbt_build",
        project_config=ProjectConfig(
            dbt_project_path=PROJECT_DIR, manifest_path=MANIFEST, project_name="bedrock_costs",
        ),
        profile_config=ProfileConfig(
            profile_name="bedrock_costs", target_name=TARGET, profiles_yml_filepath=PROFILES_DIR / "profiles.yml",
        ),
        execution_config=ExecutionConfig(dbt_executable_path=DBT),
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST, test_behavior=TestBehavior.BUILD),
        operator_args={"install_deps": False},
    )
    notify = BashOperator(
        task_id="notify",
        bash_command=NOTIFY_COMMAND,
        env={"PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"},
        append_env=True,
        retries=0,  # an alert is sent once
    )
    build >> notify
