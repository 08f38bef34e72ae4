{#- The raw invocation-log records, one row per log line, with only the fields the project
    needs (never a prompt or response body). `since_date` ('YYYY-MM-DD' or none) limits the
    read to the day folders from that date on, at the file level on DuckDB and at the
    partition level on Athena: a WHERE on the record timestamp alone would still read every file.
    `loaded_files` (a relation with log_file and log_date, or none) names the files already read:
    they are left out, so an incremental run parses only the files delivered since the last run.

    Columns: log_file, log_hour (the delivery folder, 'yyyy/mm/dd/hh'), schema_type, schema_version, event_timestamp, account_id, identity_arn,
    aws_region, request_id, api_operation, model_id_raw, input_token_count,
    cache_read_input_token_count, cache_write_input_token_count, output_token_count,
    inference_region, request_metadata, error_code. Token counts may be strings. -#}
{% macro invocation_log_records(log_source, since_date=none, loaded_files=none) -%}
    {{ return(adapter.dispatch('invocation_log_records', 'bedrock_costs')(log_source, since_date, loaded_files)) }}
{%- endmacro %}


{% macro athena__invocation_log_records(log_source, since_date, loaded_files) -%}
    select
        log_source."$path" as log_file,
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
    from {{ log_source }} as log_source
    where log_source."$path" not like '%/data/%'
    {%- if since_date %}
        and log_hour >= '{{ since_date | replace("-", "/") }}/00'
    {%- endif %}
    {%- if since_date and loaded_files is not none %}
        and not exists (
            select 1
            from {{ loaded_files }} as loaded_files
            where
                loaded_files.log_date >= date '{{ since_date }}'
                -- qualified: the stored table has a "$path" of its own
                and loaded_files.log_file = log_source."$path"
        )
    {%- endif %}
{%- endmacro %}


{% macro duckdb__invocation_log_records(log_source, since_date, loaded_files) -%}
    {%- set read_targets = bedrock_costs.duckdb_log_read_targets(since_date, loaded_files) -%}
    {%- if read_targets | length == 0 %}
    {#- no new file inside the lookback window: an empty batch with the same columns #}
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
            {%- for read_target in read_targets %}
            '{{ read_target | replace("'", "''") }}'{{ ',' if not loop.last }}
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


{#- What to read, from since_date on: globs and file paths. A full build reads every day folder
    (…/<region>/yyyy/mm/dd/[hh]/*.json.gz). With `loaded_files`, the files already read are left
    out: an hour folder none of whose files was read is one glob, and the new files of an hour
    folder read before are named one by one. Listing first means a day without files never breaks
    the read. Offloaded bodies under hh/data/ and the permission-check object never match. -#}
{% macro duckdb_log_read_targets(since_date, loaded_files=none) %}
    {%- set root = (var('bedrock_costs_logs_path') | string).rstrip('/') -%}
    {%- set file_glob = root ~ '/AWSLogs/*/BedrockModelInvocationLogs/*/[0-9][0-9][0-9][0-9]/[0-1][0-9]/[0-3][0-9]/[0-2][0-9]/*.json.gz' -%}
    {%- if not execute -%}
        {{ return([file_glob]) }}
    {%- endif -%}
    {%- set listing -%}
        with listed as (
            select
                file as log_file,
                regexp_extract(file, '^(.*/[0-9]{4}/[0-9]{2}/[0-9]{2})/[0-9]{2}/[^/]*$', 1) as day_folder,
                regexp_extract(file, '^(.*/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2})/[^/]*$', 1) as hour_folder,
                regexp_extract(file, '/([0-9]{4})/([0-9]{2})/([0-9]{2})/[0-9]{2}/[^/]*$', ['y', 'm', 'd']) as ymd
            from glob('{{ file_glob }}')
        ),

        in_window as (
            select *
            from listed
            {%- if since_date %}
            where make_date(cast(ymd.y as integer), cast(ymd.m as integer), cast(ymd.d as integer)) >= date '{{ since_date }}'
            {%- endif %}
        )

        {%- if loaded_files is none %}
        select distinct day_folder || '/[0-2][0-9]/*.json.gz' as read_target
        from in_window
        {%- else %},

        loaded as (
            select distinct log_file
            from {{ loaded_files }}
            where log_date >= date '{{ since_date }}'
        ),

        marked as (
            select
                in_window.log_file,
                in_window.hour_folder,
                loaded.log_file is not null as is_loaded
            from in_window
            left join loaded
                on in_window.log_file = loaded.log_file
        ),

        hours as (
            select
                hour_folder,
                bool_or(is_loaded) as has_loaded_files
            from marked
            group by hour_folder
        )

        select distinct
            case
                when hours.has_loaded_files then marked.log_file
                else marked.hour_folder || '/*.json.gz'
            end as read_target
        from marked
        inner join hours
            on marked.hour_folder = hours.hour_folder
        where not marked.is_loaded
        {%- endif %}
        order by read_target
    {%- endset -%}
    {%- set read_targets = run_query(listing).columns[0].values() -%}
    {%- if read_targets | length == 0 and not since_date -%}
        {{ exceptions.raise_compiler_error(
            'No Bedrock invocation log files match ' ~ file_glob ~
            '. Set BEDROCK_LOGS_PATH to the folder that contains AWSLogs/ (run `make sample` for the bundled sample).') }}
    {%- endif -%}
    {{ return(read_targets | list) }}
{% endmacro %}
