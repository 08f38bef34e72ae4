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

kept_copies as (
    -- a record delivered twice counts once: the copy in the latest file wins (a narrow
    -- aggregate, not a window over every column, so it scales to millions of rows)
    select
        request_id,
        max(log_file) as log_file
    from log_lines
    group by request_id
),

deduplicated as (
    select log_lines.*
    from log_lines
    inner join kept_copies
        on log_lines.request_id = kept_copies.request_id
        and log_lines.log_file = kept_copies.log_file
    where log_lines.line_occurrence = 1
),

callers as (
    -- parse each distinct identity once: a few hundred ARNs, not one regex per call
    select
        caller_arn,
        {{ bedrock_costs.caller_name('caller_arn') }} as caller_name,
        {{ bedrock_costs.caller_type('caller_arn') }} as caller_type,
        {{ bedrock_costs.caller_role('caller_arn') }} as caller_role
    from (select distinct caller_arn from log_lines) as distinct_callers
),

final as (
    select
        deduplicated.request_id,
        deduplicated.invoked_at,
        cast(deduplicated.invoked_at as date) as usage_date,
        deduplicated.account_id,
        deduplicated.aws_region,
        deduplicated.inference_region,
        deduplicated.api_operation,
        deduplicated.model_id_raw,
        deduplicated.caller_arn,
        coalesce(callers.caller_name, {{ bedrock_costs.caller_name('cast(null as varchar)') }}) as caller_name,
        coalesce(callers.caller_type, {{ bedrock_costs.caller_type('cast(null as varchar)') }}) as caller_type,
        callers.caller_role,
        deduplicated.input_tokens,
        deduplicated.output_tokens,
        deduplicated.cache_read_input_tokens,
        deduplicated.cache_write_input_tokens,
        deduplicated.error_code,
        deduplicated.request_metadata,
        deduplicated.schema_version,
        deduplicated.log_file
    from deduplicated
    left join callers
        on deduplicated.caller_arn = callers.caller_arn
)

select * from final
