{{ config(materialized='view') }}

{#- One row per invocation: the `record` lines, each call once. A request delivered more than once
    (the same call in two files, or twice in one) is kept once, from the latest file. Two lines that
    share a request id but not their call (another time, model, caller or operation) are two calls:
    both are kept and flagged (is_shared_request_id), never one dropped. A view, so each call is
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

repeated_lines as (
    -- the lines of the repeated keys, each with a fingerprint of the call it records: its time,
    -- model, caller, account, region and operation (a re-delivery that corrects a count is the
    -- same call; another time or model is another call)
    select
        log_lines.*,
        {{ bedrock_costs.fingerprint(
            "concat_ws('|', cast(log_lines.invoked_at as varchar), coalesce(log_lines.model_id_raw, ''),
            coalesce(log_lines.caller_arn, ''), coalesce(log_lines.account_id, ''), coalesce(log_lines.aws_region, ''),
            coalesce(log_lines.api_operation, ''))"
        ) }} as call_key
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    inner join repeated_requests
        on log_lines.usage_date = repeated_requests.usage_date
        and {{ bedrock_costs.fingerprint('log_lines.request_id') }} = repeated_requests.request_key
    where log_lines.line_status = 'record'
),

ranked_copies as (
    -- the copy in the latest file wins (any copy of a repeat within one file)
    select
        repeated_lines.*,
        row_number() over (
            partition by repeated_lines.usage_date, repeated_lines.request_id, repeated_lines.call_key
            order by repeated_lines.log_file desc, repeated_lines.loaded_at desc
        ) as copy_rank,
        min(repeated_lines.call_key) over (partition by repeated_lines.usage_date, repeated_lines.request_id)
        <> max(repeated_lines.call_key) over (partition by repeated_lines.usage_date, repeated_lines.request_id)
            as is_shared_request_id
    from repeated_lines
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
        loaded_at,
        false as is_shared_request_id
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
        loaded_at,
        is_shared_request_id
    from latest_copies
)

select * from final
