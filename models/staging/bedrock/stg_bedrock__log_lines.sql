{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        partitioned_by=['log_date'],
        properties={'partitioning': "ARRAY['log_date']"},
        post_hook="{{ bedrock_costs.delete_earlier_versions_of_reread_files() }}",
    )
}}

{#- Every line of every log file, parsed once, each file read once. An incremental run lists the
    lookback window's day folders and reads only the files not stored yet, or stored with another
    size (a file cut short and then restored, or rewritten): its lines are appended, and the post
    hook deletes the earlier version's lines. -#}
{%- set since_date = bedrock_costs.lookback_start_date('log_date') %}

with

log_records as (
    {{ bedrock_costs.invocation_log_records(since_date, stored_lines=(this if since_date else none)) }}
),

cast_lines as (
    select
        log_file,
        file_size,
        log_hour,
        schema_type,
        schema_version,
        request_id,
        {{ bedrock_costs.parse_iso8601_utc('event_timestamp') }} as invoked_at,
        event_timestamp,
        account_id,
        aws_region,
        inference_region,
        api_operation,
        model_id_raw,
        identity_arn as caller_arn,
        input_token_count,
        output_token_count,
        cache_read_input_token_count,
        cache_write_input_token_count,
        try_cast(input_token_count as bigint) as input_tokens,
        try_cast(output_token_count as bigint) as output_tokens,
        try_cast(cache_read_input_token_count as bigint) as cache_read_input_tokens,
        try_cast(cache_write_input_token_count as bigint) as cache_write_input_tokens,
        error_code,
        request_metadata
    from log_records
),

classified as (
    select
        *,
        case
            -- nothing of a log record could be read: truncated or invalid JSON (or an empty object)
            when schema_type is null and request_id is null and event_timestamp is null then 'malformed'
            when coalesce(schema_type, '') <> 'ModelInvocationLog' then 'skipped'
            -- a log record whose key fields are missing or of the wrong type
            when
                request_id is null
                or invoked_at is null
                or (input_token_count is not null and input_tokens is null)
                or (output_token_count is not null and output_tokens is null)
                or (cache_read_input_token_count is not null and cache_read_input_tokens is null)
                or (cache_write_input_token_count is not null and cache_write_input_tokens is null)
                or input_tokens < 0 or output_tokens < 0
                or cache_read_input_tokens < 0 or cache_write_input_tokens < 0
                then 'malformed'
            else 'record'
        end as line_status
    from cast_lines
),

final as (
    select
        log_file,
        file_size,
        line_status,
        schema_version,
        -- '' when the line has none
        coalesce(request_id, '') as request_id,
        invoked_at,
        cast(invoked_at as date) as usage_date,
        account_id,
        aws_region,
        inference_region,
        api_operation,
        model_id_raw,
        caller_arn,
        coalesce(input_tokens, 0) as input_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(cache_read_input_tokens, 0) as cache_read_input_tokens,
        coalesce(cache_write_input_tokens, 0) as cache_write_input_tokens,
        error_code,
        request_metadata,
        cast({{ bedrock_costs.sql_string(bedrock_costs.log_root()) }} as varchar) as log_root,
        -- this run's stamp: later models process only the lines loaded after their own newest
        {{ bedrock_costs.iceberg_timestamp("'" ~ bedrock_costs.run_stamp() ~ "'") }} as loaded_at,
        cast(
            substr(log_hour, 1, 4) || '-' || substr(log_hour, 6, 2) || '-' || substr(log_hour, 9, 2) as date
        ) as log_date
    from classified
)

select * from final
