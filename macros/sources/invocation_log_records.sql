{#- The raw invocation-log records, one row per log line, with only the fields the project
    needs (never a prompt or response body). `since_date` ('YYYY-MM-DD' or none) limits the
    read to the day folders from that date on, at the file level on DuckDB and at the
    partition level on Athena: a WHERE on the record timestamp alone would still read every file.

    Columns: log_file, log_hour (the delivery folder, 'yyyy/mm/dd/hh'), schema_type, schema_version, event_timestamp, account_id, identity_arn,
    aws_region, request_id, api_operation, model_id_raw, input_token_count,
    cache_read_input_token_count, cache_write_input_token_count, output_token_count,
    inference_region, request_metadata, error_code. Token counts may be strings. -#}
{% macro invocation_log_records(log_source, since_date=none) -%}
    {{ return(adapter.dispatch('invocation_log_records', 'bedrock_costs')(log_source, since_date)) }}
{%- endmacro %}


{% macro athena__invocation_log_records(log_source, since_date) -%}
    select
        "$path" as log_file,
        log_hour,
        schematype as schema_type,
        schemaversion as schema_version,
        "timestamp" as event_timestamp,
        accountid as account_id,
        identity.arn as identity_arn,
        region as aws_region,
        requestid as request_id,
        operation as api_operation,
        modelid as model_id_raw,
        input.inputtokencount as input_token_count,
        input.cachereadinputtokencount as cache_read_input_token_count,
        input.cachewriteinputtokencount as cache_write_input_token_count,
        output.outputtokencount as output_token_count,
        inferenceregion as inference_region,
        requestmetadata as request_metadata,
        errorcode as error_code
    from {{ log_source }}
    where "$path" not like '%/data/%'
    {%- if since_date %}
        and log_hour >= '{{ since_date | replace("-", "/") }}/00'
    {%- endif %}
{%- endmacro %}


{% macro duckdb__invocation_log_records(log_source, since_date) -%}
    {%- set day_globs = bedrock_costs.duckdb_log_day_globs(since_date) -%}
    {%- if day_globs | length == 0 %}
    {#- nothing new inside the lookback window: an empty batch with the same columns #}
    select
        {%- for column_name in ['log_file', 'log_hour', 'schema_type', 'schema_version', 'event_timestamp', 'account_id', 'identity_arn', 'aws_region', 'request_id', 'api_operation', 'model_id_raw', 'input_token_count', 'cache_read_input_token_count', 'cache_write_input_token_count', 'output_token_count', 'inference_region', 'error_code'] %}
        cast(null as varchar) as {{ column_name }},
        {%- endfor %}
        cast(null as map(varchar, varchar)) as request_metadata
    where false
    {%- else %}
    select
        filename as log_file,
        regexp_extract(filename, '/([0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2})/[^/]*$', 1) as log_hour,
        "schemaType" as schema_type,
        "schemaVersion" as schema_version,
        "timestamp" as event_timestamp,
        "accountId" as account_id,
        "identity"."arn" as identity_arn,
        "region" as aws_region,
        "requestId" as request_id,
        "operation" as api_operation,
        "modelId" as model_id_raw,
        "input"."inputTokenCount" as input_token_count,
        "input"."cacheReadInputTokenCount" as cache_read_input_token_count,
        "input"."cacheWriteInputTokenCount" as cache_write_input_token_count,
        "output"."outputTokenCount" as output_token_count,
        "inferenceRegion" as inference_region,
        "requestMetadata" as request_metadata,
        "errorCode" as error_code
    from read_json(
        [
            {%- for day_glob in day_globs %}
            '{{ day_glob }}'{{ ',' if not loop.last }}
            {%- endfor %}
        ],
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
    )
    where filename not like '%/data/%'
    {%- endif %}
{%- endmacro %}


{#- The day folders (…/<region>/yyyy/mm/dd) that hold log files, from since_date on, as globs of
    their hour folders' files. Listing first means a day without files never breaks the read,
    and only the days inside the window are opened. Offloaded bodies under hh/data/ and the
    permission-check object never match. -#}
{% macro duckdb_log_day_globs(since_date) %}
    {%- set root = (var('bedrock_costs_logs_path') | string).rstrip('/') -%}
    {%- set file_glob = root ~ '/AWSLogs/*/BedrockModelInvocationLogs/*/[0-9][0-9][0-9][0-9]/[0-1][0-9]/[0-3][0-9]/[0-2][0-9]/*.json.gz' -%}
    {%- if not execute -%}
        {{ return([file_glob]) }}
    {%- endif -%}
    {%- set listing -%}
        with day_folders as (
            select distinct
                regexp_extract(file, '^(.*/([0-9]{4})/([0-9]{2})/([0-9]{2}))/[0-9]{2}/[^/]*$', 1) as day_folder,
                regexp_extract(file, '/([0-9]{4})/([0-9]{2})/([0-9]{2})/[0-9]{2}/[^/]*$', ['y', 'm', 'd']) as ymd
            from glob('{{ file_glob }}')
        )
        select day_folder
        from day_folders
        {%- if since_date %}
        where make_date(cast(ymd.y as integer), cast(ymd.m as integer), cast(ymd.d as integer)) >= date '{{ since_date }}'
        {%- endif %}
        order by day_folder
    {%- endset -%}
    {%- set day_folders = run_query(listing).columns[0].values() -%}
    {%- if day_folders | length == 0 and not since_date -%}
        {{ exceptions.raise_compiler_error(
            'No Bedrock invocation log files match ' ~ file_glob ~
            '. Set BEDROCK_LOGS_PATH to the folder that contains AWSLogs/ (run `make sample` for the bundled sample).') }}
    {%- endif -%}
    {%- set globs = [] -%}
    {%- for day_folder in day_folders -%}
        {%- do globs.append(day_folder ~ '/[0-2][0-9]/*.json.gz') -%}
    {%- endfor -%}
    {{ return(globs) }}
{% endmacro %}
