{{ config(materialized='view') }}

{#- One row per invocation: the `record` lines, each request id once. A view, so each call is
    stored once (in stg_bedrock__log_lines); a reader's filter on usage_date reaches every step. -#}

with

repeated_requests as (
    -- few requests are delivered twice: find them with a narrow aggregate on a 64-bit fingerprint
    -- of the request id (never a window over every line, nor a hash table of every id string); a
    -- fingerprint collision only makes a candidate, which ranked_copies sorts out exactly
    select
        log_lines.usage_date,
        {{ bedrock_costs.fingerprint('log_lines.request_id') }} as request_key
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    where log_lines.line_status = 'record'
    group by log_lines.usage_date, {{ bedrock_costs.fingerprint('log_lines.request_id') }}
    having count(*) > 1
),

single_copies as (
    -- the others, through a join to the few repeated keys (a small hash table, probed once a line)
    select log_lines.*
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    left join repeated_requests
        on log_lines.usage_date = repeated_requests.usage_date
        and {{ bedrock_costs.fingerprint('log_lines.request_id') }} = repeated_requests.request_key
    where
        log_lines.line_status = 'record'
        and repeated_requests.request_key is null
),

ranked_copies as (
    -- a request delivered more than once: the copy in the latest file wins (any copy of a
    -- repeat within one file)
    select
        log_lines.*,
        row_number() over (
            partition by log_lines.usage_date, log_lines.request_id
            order by log_lines.log_file desc, log_lines.loaded_at desc
        ) as copy_rank
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    inner join repeated_requests
        on log_lines.usage_date = repeated_requests.usage_date
        and {{ bedrock_costs.fingerprint('log_lines.request_id') }} = repeated_requests.request_key
    where log_lines.line_status = 'record'
),

latest_copies as (
    select * from ranked_copies
    where copy_rank = 1
),

final as (
    select
        request_id,
        invoked_at,
        usage_date,
        account_id,
        aws_region,
        inference_region,
        api_operation,
        model_id_raw,
        caller_arn,
        input_tokens,
        output_tokens,
        cache_read_input_tokens,
        cache_write_input_tokens,
        error_code,
        request_metadata,
        schema_version,
        log_file,
        loaded_at
    from single_copies
    union all
    select
        request_id,
        invoked_at,
        usage_date,
        account_id,
        aws_region,
        inference_region,
        api_operation,
        model_id_raw,
        caller_arn,
        input_tokens,
        output_tokens,
        cache_read_input_tokens,
        cache_write_input_tokens,
        error_code,
        request_metadata,
        schema_version,
        log_file,
        loaded_at
    from latest_copies
)

select * from final
