"""DuckDB: the log files this build reads or sets aside, and the batch view stg_bedrock__log_lines
reads (bedrock_costs.loading.duckdb_models.log_files_model; docs/architecture.md, "Loading")."""

from bedrock_costs.loading.duckdb_models import log_files_model


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    return log_files_model(
        session, dbt.this, dbt.is_incremental,
        logs_path=dbt.config.get("bedrock_costs_logs_path"),
        lookback_days=dbt.config.get("bedrock_costs_lookback_days"),
        verify_batch_mb=dbt.config.get("bedrock_costs_verify_batch_mb"),
    )
