"""DuckDB: the gzip stream of each newly loaded file that has a line that is not a record, or no
record, checked end to end (bedrock_costs.loading.duckdb_models.log_streams_model)."""

from bedrock_costs.loading.duckdb_models import log_streams_model


def model(dbt, session):
    dbt.config(materialized="incremental", incremental_strategy="append")
    return log_streams_model(
        session, dbt.this, dbt.is_incremental, dbt.ref("stg_bedrock__log_lines"),
        verify_every=dbt.config.get("bedrock_costs_verify_every_gzip"),
    )
