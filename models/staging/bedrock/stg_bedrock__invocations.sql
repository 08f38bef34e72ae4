{{
    config(
        unique_key='request_id',
        partitioned_by=['usage_date'],
    )
}}

{#- On an incremental run, take only the log lines of the day folders inside the lookback window. -#}
{%- set since_date = bedrock_costs.incremental_cutoff_date() %}

with

log_lines as (
    select * from {{ ref('base_bedrock__log_lines') }}
    where line_status = 'record'
    {%- if since_date %}
        and log_date >= date '{{ since_date }}'
    {%- endif %}
),

deduplicated as (
    -- a record delivered twice counts once: the copy in the latest file wins
    select
        log_lines.*,
        row_number() over (
            partition by log_lines.request_id
            order by log_lines.log_file desc, log_lines.line_occurrence asc
        ) as delivery_rank
    from log_lines
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
