{#- The raw invocation-log lines of this load, one row per line, with only the fields the project
    needs (never a prompt or response body), the file each line came from with its size and
    delivery folder, and the load's stamp.

    Columns: log_file, file_size, log_hour (the delivery folder, 'yyyy/mm/dd/hh'), schema_type,
    schema_version, event_timestamp, account_id, identity_arn, aws_region, request_id, api_operation,
    model_id_raw, input_token_count, cache_read_input_token_count, cache_write_input_token_count,
    output_token_count, inference_region, request_metadata, error_code (token counts as text),
    loaded_at.

      DuckDB          the batch the loader (stg_bedrock__log_files, Python) pointed
                      stg_bedrock__log_batch at: the new or changed files, checked readable.
      Athena, Trino   the log table, pruned to the log_hour partitions that can hold a new file
                      (from the newest stored folder - bedrock_costs_folder_settle_hours on:
                      first_log_hour_to_read) and without the "$path"s stored with the same
                      "$file_size". -#}
{% macro invocation_log_records() -%}
    {{ return(adapter.dispatch('invocation_log_records', 'bedrock_costs')()) }}
{%- endmacro %}


{% macro athena__invocation_log_records() -%}
    {%- set since_hour = bedrock_costs.first_log_hour_to_read() -%}
    select
        log_source."$path" as log_file,
        log_source."$file_size" as file_size,
        log_source.log_hour,
        log_source.schematype as schema_type,
        log_source.schemaversion as schema_version,
        log_source."timestamp" as event_timestamp,
        log_source.accountid as account_id,
        log_source.identity.arn as identity_arn,
        log_source.region as aws_region,
        log_source.requestid as request_id,
        log_source.operation as api_operation,
        log_source.modelid as model_id_raw,
        cast(log_source.input.inputtokencount as varchar) as input_token_count,
        cast(log_source.input.cachereadinputtokencount as varchar) as cache_read_input_token_count,
        cast(log_source.input.cachewriteinputtokencount as varchar) as cache_write_input_token_count,
        cast(log_source.output.outputtokencount as varchar) as output_token_count,
        log_source.inferenceregion as inference_region,
        log_source.requestmetadata as request_metadata,
        log_source.errorcode as error_code,
        {{ bedrock_costs.iceberg_timestamp("'" ~ bedrock_costs.run_stamp() ~ "'") }} as loaded_at
    from {{ source('bedrock', 'invocation_logs') }} as log_source
    where
        log_source."$path" not like '%/data/%'
        {%- if var('bedrock_costs_skip_log_files') %}
        -- set aside by the user (bedrock_costs_skip_log_files): a literal list, so Trino never opens them
        and log_source."$path" not in ({{ bedrock_costs.skipped_log_files() | join(', ') }})
        {%- endif %}
        {%- if since_hour %}
        -- only the folders that can hold a new file; in them, the files not stored at this size
        and log_hour >= '{{ since_hour }}'
        and not exists (
            select 1
            from {{ this }} as stored_lines
            where
                stored_lines.log_date >= date '{{ since_hour[:10] | replace("/", "-") }}'
                and stored_lines.log_file = log_source."$path"
                and stored_lines.file_size = log_source."$file_size"
        )
        {%- endif %}
{%- endmacro %}

{% macro trino__invocation_log_records() -%}
    {{ bedrock_costs.athena__invocation_log_records() }}
{%- endmacro %}


{#- DuckDB: the loader's batch view (bedrock_costs.loading.duckdb_models); a batch this table
    already holds (the loader did not run in this invocation) is not appended twice. -#}
{% macro duckdb__invocation_log_records() -%}
    {%- set log_files = ref('stg_bedrock__log_files') -%}
    {%- set root = bedrock_costs.log_root() -%}
    {%- if root.startswith('s3://') and not (target.get('filesystems') or []) | selectattr('fs', 'in', ['s3', 's3a']) | list -%}
        {{ exceptions.raise_compiler_error(
            'The logs are on S3 (' ~ root ~ '), but no S3 filesystem is registered with DuckDB. Set '
            ~ 'BEDROCK_LOGS_PATH=' ~ root ~ ' in the environment (profiles.yml.example then registers s3fs '
            ~ 'through the profile option filesystems), or add `filesystems: [{fs: s3}]` to the profile.') }}
    {%- endif -%}
    select batch.*
    from {{ api.Relation.create(database=log_files.database, schema=log_files.schema, identifier='stg_bedrock__log_batch') }} as batch
    {%- if bedrock_costs.incremental_run() %}
    where batch.loaded_at > (select coalesce(max(stored.loaded_at), timestamp '1970-01-01') from {{ this }} as stored)
    {%- endif %}
{%- endmacro %}


{% macro default__invocation_log_records() -%}
    {{ exceptions.raise_compiler_error('invocation_log_records: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}


{#- The files of bedrock_costs_skip_log_files, as SQL strings. -#}
{% macro skipped_log_files() %}
    {%- set quoted = [] -%}
    {%- for path in var('bedrock_costs_skip_log_files') or [] -%}
        {%- do quoted.append(bedrock_costs.sql_string(path | string | trim)) -%}
    {%- endfor -%}
    {{ return(quoted) }}
{% endmacro %}


{#- The root the logs are read from, as configured: the folder or s3://bucket/prefix that holds
    AWSLogs/ (DuckDB: var bedrock_costs_logs_path; Athena and Trino: the log bucket and prefix vars),
    without a trailing slash or a leading './'. -#}
{% macro log_root() %}
    {%- if target.type == 'trino' and not var('bedrock_costs_log_bucket', none) -%}
        {#- a local folder (the local Trino of `make trino-up`): absolute, as local:///path -#}
        {%- set root = (var('bedrock_costs_logs_path') | string | trim).rstrip('/') -%}
        {%- if root.startswith('local://') or root.startswith('s3://') -%}
            {{ return(root) }}
        {%- elif not root.startswith('/') -%}
            {{ exceptions.raise_compiler_error('On Trino, BEDROCK_LOGS_PATH must be an absolute folder (or set the vars bedrock_costs_log_bucket and _prefix for S3); got ' ~ root) }}
        {%- endif -%}
        {{ return('local://' ~ root) }}
    {%- endif -%}
    {%- if target.type == 'duckdb' -%}
        {%- set root = (var('bedrock_costs_logs_path') | string | trim).rstrip('/') -%}
        {%- if root.startswith('./') -%}
            {%- set root = root[2:] -%}
        {%- endif -%}
        {{ return(root or '.') }}
    {%- endif -%}
    {{ return(bedrock_costs.bedrock_log_root()) }}
{% endmacro %}


{#- `value` as a SQL string literal: quotes doubled, so any path or var is safe to inline. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{#- stg_bedrock__log_lines' post hook: a file read again because its size changed (cut short, then
    restored, or rewritten) has two versions of its lines after the append; the newest load's stay.
    Plain SQL (the newest load's files, found by the stamp), nothing to delete in the usual run. -#}
{% macro delete_earlier_versions_of_reread_files() %}
    {%- if not bedrock_costs.incremental_run() or var('bedrock_costs_offline_incremental', none) is not none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statement -%}
        delete from {{ this }}
        where
            log_date >= (
                select min(newest_load.log_date) from {{ this }} as newest_load
                where newest_load.loaded_at = (select max(stamps.loaded_at) from {{ this }} as stamps)
            )
            and log_file in (
                select newest_load.log_file from {{ this }} as newest_load
                where newest_load.loaded_at = (select max(stamps.loaded_at) from {{ this }} as stamps)
            )
            and loaded_at < (select max(stamps.loaded_at) from {{ this }} as stamps)
    {%- endset -%}
    {{ return(statement) }}
{% endmacro %}
