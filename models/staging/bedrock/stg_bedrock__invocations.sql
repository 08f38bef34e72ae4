{#- One row per invocation: the `record` lines, each call once. A request delivered more than once
    (the same call in two files, or twice in one) is kept once, from the latest file. Two lines that
    share a request id but not their call (another time, model, caller or operation) are two calls:
    both are kept and flagged (is_shared_request_id), never one dropped. A view, so each call is
    stored once (in stg_bedrock__log_lines); a reader's filter on usage_date reaches every step. -#}

{#- The few requests delivered twice, found with a narrow aggregate on a 64-bit fingerprint of the
    request id (never a window over every line, nor a hash table of every id string); a fingerprint
    collision only makes a candidate, which ranked_copies sorts out exactly. Written into each of
    the two joins that read it, not as a CTE: DuckDB computes a CTE read twice on its own, where a
    reader's filter (a scheduled run's days) cannot reach it, so every read summed the whole
    history; inlined, each copy reads the days asked, and a full read is faster too
    (docs/performance-experiments.md, experiment 15). Trino and Athena inline CTEs anyway. -#}
{%- set repeated_requests -%}
    select
        stored_lines.usage_date,
        {{ bedrock_costs.fingerprint('stored_lines.request_id') }} as request_key
    from {{ ref('stg_bedrock__log_lines') }} as stored_lines
    where stored_lines.line_status = 'record'
    group by 1, 2
    having count(*) > 1
{%- endset %}

with

single_copies as (
    -- the lines of the requests delivered once, through a join to the few repeated keys (a small
    -- hash table, probed once a line)
    select log_lines.*
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    left join ({{ repeated_requests }}) as repeated_requests  -- noqa: ST05
        on log_lines.usage_date = repeated_requests.usage_date
        and {{ bedrock_costs.fingerprint('log_lines.request_id') }} = repeated_requests.request_key
    where
        log_lines.line_status = 'record'
        and repeated_requests.request_key is null
),

repeated_lines as (
    -- the lines of the repeated keys, each with a fingerprint of the call it records: its time,
    -- model, caller and account (a re-delivery that corrects a count, or files the call under
    -- another Region's prefix, is the same call; another time, model or caller is another call)
    select
        log_lines.*,
        {{ bedrock_costs.fingerprint(
            "concat_ws('|', cast(log_lines.invoked_at as varchar), coalesce(log_lines.model_id_raw, ''),
            coalesce(log_lines.caller_arn, ''), coalesce(log_lines.account_id, ''))"
        ) }} as call_key
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    inner join ({{ repeated_requests }}) as repeated_requests  -- noqa: ST05
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
