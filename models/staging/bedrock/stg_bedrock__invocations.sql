{{
    config(
        unique_key='request_id',
        partitioned_by=['usage_date'],
    )
}}

{#- On an incremental run, read only the day folders inside the lookback window. -#}
{%- set since_date = bedrock_costs.incremental_cutoff_date() %}

with

log_records as (
    {{ bedrock_costs.invocation_log_records(source('bedrock', 'invocation_logs'), since_date) }}
),

invocations as (
    select
        request_id,
        {{ bedrock_costs.parse_iso8601_utc('event_timestamp') }} as invoked_at,
        account_id,
        aws_region,
        inference_region,
        api_operation,
        model_id_raw,
        identity_arn as caller_arn,
        coalesce(try_cast(input_token_count as bigint), 0) as input_tokens,
        coalesce(try_cast(output_token_count as bigint), 0) as output_tokens,
        coalesce(try_cast(cache_read_input_token_count as bigint), 0) as cache_read_input_tokens,
        coalesce(try_cast(cache_write_input_token_count as bigint), 0) as cache_write_input_tokens,
        error_code,
        request_metadata,
        schema_version,
        log_file
    from log_records
    where
        schema_type = 'ModelInvocationLog'
        and request_id is not null
),

deduplicated as (
    select
        invocations.*,
        row_number() over (
            partition by invocations.request_id
            order by invocations.log_file desc
        ) as delivery_rank
    from invocations
),

final as (
    select
        request_id,
        invoked_at,
        cast(invoked_at as date) as usage_date,
        account_id,
        aws_region,
        inference_region,
        api_operation,
        model_id_raw,
        caller_arn,
        {{ bedrock_costs.caller_name('caller_arn') }} as caller_name,
        {{ bedrock_costs.caller_type('caller_arn') }} as caller_type,
        {{ bedrock_costs.caller_role('caller_arn') }} as caller_role,
        input_tokens,
        output_tokens,
        cache_read_input_tokens,
        cache_write_input_tokens,
        error_code,
        request_metadata,
        schema_version,
        log_file
    from deduplicated
    where delivery_rank = 1
)

select * from final
