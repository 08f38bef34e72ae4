"""DuckDB: the CUR 2.0 export's current Parquet files, and the view stg_cur__export_rows over them
(bedrock_costs.loading.duckdb_models.cur_files_model)."""

from bedrock_costs.loading.duckdb_models import cur_files_model


def model(dbt, session):
    dbt.config(materialized="table")
    return cur_files_model(
        session, dbt.this,
        cur_path=dbt.config.get("bedrock_costs_cur_path"),
        export_name=dbt.config.get("bedrock_costs_cur_export_name"),
    )
