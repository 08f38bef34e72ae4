"""bedrock-costs from Dagster with dagster-dbt: every dbt model an asset, then `bedrock-costs notify`.

`dagster dev -m bedrock_costs_dagster.definitions` (or a code location in workspace.yaml) loads it;
docs/scheduling.md sets it up end to end. It needs:

* the bedrock-costs checkout (the dbt project) at BEDROCK_COSTS_PROJECT_DIR, with a
  `target/manifest.json` made by `dbt parse` when you deploy (loading the definitions never runs dbt);
* `pip install dagster dagster-dbt 'bedrock-costs[athena]'` in the code location's environment
  (`bedrock-costs` gives the notify command, and dbt with its adapter);
* the environment profiles.yml reads (DBT_TARGET, BEDROCK_COSTS_ATHENA_*, AWS_REGION, ...).

The job runs one `dbt build` over the selected assets (dbt orders them and runs their tests), then
the notification asset, which depends on the marts it reads.
"""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    Definitions,
    MaterializeResult,
    ScheduleDefinition,
    asset,
    define_asset_job,
)
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets, get_asset_key_for_model

PROJECT_DIR = Path(os.environ.get("BEDROCK_COSTS_PROJECT_DIR", "/opt/bedrock-costs"))
PROFILES_DIR = Path(os.environ.get("BEDROCK_COSTS_DBT_PROFILES_DIR", str(PROJECT_DIR)))
TARGET = os.environ.get("DBT_TARGET", "athena")
DBT = os.environ.get("BEDROCK_COSTS_DBT", "dbt")  # the dbt of this environment, or a path

project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROFILES_DIR, target=TARGET,
                     target_path=Path(os.environ.get("BEDROCK_COSTS_DBT_TARGET_PATH", "target")))

# The step after the build: alerts on budgets, anomalies, audit findings and the bill, from the models just built.
NOTIFY_COMMAND = ["bedrock-costs", "notify"]
# The models the notification reads: the budgets, and every other alert (rpt_alert_candidates, which reads
# fct_cost_anomalies, the audit views and the bill's alerts).
NOTIFY_READS = ("fct_app_budget_status", "rpt_alert_candidates")


@dbt_assets(manifest=project.manifest_path, project=project)
def bedrock_costs_dbt(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """`dbt build` of the selected models, seeds and their tests."""
    yield from dbt.cli(["build"], context=context).stream()


@asset(deps=[get_asset_key_for_model([bedrock_costs_dbt], name) for name in NOTIFY_READS],
       group_name="bedrock_costs", description="Runs `bedrock-costs notify` once the marts are built.")
def bedrock_costs_notification(context: AssetExecutionContext) -> MaterializeResult:
    done = subprocess.run(NOTIFY_COMMAND, capture_output=True, text=True, check=False)
    context.log.info(done.stdout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(NOTIFY_COMMAND)} exited {done.returncode}: {done.stderr.strip()}")
    return MaterializeResult(metadata={"output": done.stdout[-2000:]})


daily = define_asset_job(
    "bedrock_costs_daily",
    selection=AssetSelection.assets(bedrock_costs_dbt) | AssetSelection.assets(bedrock_costs_notification),
    description="dbt build of the bedrock-costs marts, then bedrock-costs notify",
)

defs = Definitions(
    assets=[bedrock_costs_dbt, bedrock_costs_notification],
    jobs=[daily],
    schedules=[ScheduleDefinition(job=daily, cron_schedule="17 6 * * *", execution_timezone="UTC")],
    resources={"dbt": DbtCliResource(project_dir=project, dbt_executable=DBT)},
)
