{#- The raw invocation-log lines, one row per line, with only the fields the project needs (never a
    prompt or response body), and the file each line came from with its size.

    `since_date` ('YYYY-MM-DD' or none) limits the read to the day folders from that date on, at the
    file level on DuckDB and at the partition level on Athena and Trino: a WHERE on the record's
    timestamp alone would still read every file. `stored_lines` (a relation with log_file, file_size
    and log_date, or none) names the files already read: a file stored with the same size is left
    out, so a run parses only the files delivered (or rewritten) since the last one.

    Columns: log_file, file_size, log_hour (the delivery folder, 'yyyy/mm/dd/hh'), schema_type,
    schema_version, event_timestamp, account_id, identity_arn, aws_region, request_id, api_operation,
    model_id_raw, input_token_count, cache_read_input_token_count, cache_write_input_token_count,
    output_token_count, inference_region, request_metadata, error_code. Token counts may be strings. -#}
{% macro invocation_log_records(since_date=none, stored_lines=none) -%}
    {{ return(adapter.dispatch('invocation_log_records', 'bedrock_costs')(since_date, stored_lines)) }}
{%- endmacro %}


{% macro athena__invocation_log_records(since_date, stored_lines) -%}
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
        log_source.errorcode as error_code
    from {{ source('bedrock', 'invocation_logs') }} as log_source
    where
        log_source."$path" not like '%/data/%'
        {%- if since_date %}
        and log_hour >= '{{ since_date | replace("-", "/") }}/00'
        {%- endif %}
        {%- if since_date and stored_lines is not none %}
        and not exists (
            select 1
            from {{ stored_lines }} as stored_lines
            where
                stored_lines.log_date >= date '{{ since_date }}'
                and stored_lines.log_file = log_source."$path"
                and stored_lines.file_size = log_source."$file_size"
        )
        {%- endif %}
{%- endmacro %}

{% macro trino__invocation_log_records(since_date, stored_lines) -%}
    {{ bedrock_costs.athena__invocation_log_records(since_date, stored_lines) }}
{%- endmacro %}


{% macro duckdb__invocation_log_records(since_date, stored_lines) -%}
    {%- set read_targets = bedrock_costs.duckdb_log_read_targets(since_date, stored_lines) -%}
    {%- if read_targets | length == 0 %}
    {#- no new file inside the lookback window: an empty batch with the same columns #}
    select
        cast(null as varchar) as log_file,
        cast(null as bigint) as file_size,
        {%- for column_name in ['log_hour', 'schema_type', 'schema_version', 'event_timestamp', 'account_id', 'identity_arn', 'aws_region', 'request_id', 'api_operation', 'model_id_raw', 'input_token_count', 'cache_read_input_token_count', 'cache_write_input_token_count', 'output_token_count', 'inference_region', 'error_code'] %}
        cast(null as varchar) as {{ column_name }},
        {%- endfor %}
        cast(null as map(varchar, varchar)) as request_metadata
    where false
    {%- else %}
    {%- set quoted_targets -%}
        [
            {%- for read_target in read_targets %}
            {{ bedrock_costs.sql_string(read_target) }}{{ ',' if not loop.last }}
            {%- endfor %}
        ]
    {%- endset %}
    select
        log_lines.filename as log_file,
        log_files.size as file_size,
        regexp_extract(log_lines.filename, '/([0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2})/[^/]*$', 1) as log_hour,
        log_lines."schemaType" as schema_type,
        log_lines."schemaVersion" as schema_version,
        log_lines."timestamp" as event_timestamp,
        log_lines."accountId" as account_id,
        log_lines."identity"."arn" as identity_arn,
        log_lines."region" as aws_region,
        log_lines."requestId" as request_id,
        log_lines."operation" as api_operation,
        log_lines."modelId" as model_id_raw,
        log_lines."input"."inputTokenCount" as input_token_count,
        log_lines."input"."cacheReadInputTokenCount" as cache_read_input_token_count,
        log_lines."input"."cacheWriteInputTokenCount" as cache_write_input_token_count,
        log_lines."output"."outputTokenCount" as output_token_count,
        log_lines."inferenceRegion" as inference_region,
        log_lines."requestMetadata" as request_metadata,
        log_lines."errorCode" as error_code
    from read_json(
        {{ quoted_targets }},
        format = 'newline_delimited',
        compression = 'gzip',
        filename = true,
        hive_partitioning = false,
        ignore_errors = true,
        columns = {
            'schemaType': 'varchar',
            'schemaVersion': 'varchar',
            'timestamp': 'varchar',
            'accountId': 'varchar',
            'identity': 'struct(arn varchar)',
            'region': 'varchar',
            'requestId': 'varchar',
            'operation': 'varchar',
            'modelId': 'varchar',
            'input': 'struct(inputTokenCount varchar, cacheReadInputTokenCount varchar, cacheWriteInputTokenCount varchar)',
            'output': 'struct(outputTokenCount varchar)',
            'inferenceRegion': 'varchar',
            'requestMetadata': 'map(varchar, varchar)',
            'errorCode': 'varchar'
        }
    ) as log_lines
    left join read_blob({{ quoted_targets }}) as log_files
        on log_lines.filename = log_files.filename
    {%- endif %}
{%- endmacro %}


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
    restored or rewritten) now has two versions of its lines; keep the newest load's. Nothing to do,
    and no statement, in the usual run. -#}
{% macro delete_earlier_versions_of_reread_files() %}
    {%- if not execute or not bedrock_costs.incremental_run()
        or var('bedrock_costs_offline_incremental', none) is not none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set reread -%}
        with

        this_run as (
            select min(log_date) as first_log_date
            from {{ this }}
            where loaded_at = (select max(newest.loaded_at) from {{ this }} as newest)
        )

        select
            lines.log_file,
            min(lines.log_date) as log_date
        from {{ this }} as lines
        cross join this_run
        where lines.log_date >= this_run.first_log_date
        group by lines.log_file
        having count(distinct lines.loaded_at) > 1
    {%- endset -%}
    {%- set rows = run_query(reread).rows -%}
    {%- if rows | length == 0 -%}
        {{ return('') }}
    {%- endif -%}
    {%- set files = [] -%}
    {%- set dates = [] -%}
    {%- for row in rows -%}
        {%- do files.append(bedrock_costs.sql_string(row[0])) -%}
        {%- if (row[1] | string)[:10] not in dates -%}
            {%- do dates.append((row[1] | string)[:10]) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ log('Re-read ' ~ files | length ~ ' log file(s) whose size changed; their earlier lines are replaced: ' ~ files | join(', '), info=true) }}
    {%- set statement -%}
        delete from {{ this }}
        where
            log_date in ({% for day in dates %}date '{{ day }}'{{ ', ' if not loop.last }}{% endfor %})
            and log_file in ({{ files | join(', ') }})
            and loaded_at < (select max(newest.loaded_at) from {{ this }} as newest)
    {%- endset -%}
    {{ return(statement) }}
{% endmacro %}
