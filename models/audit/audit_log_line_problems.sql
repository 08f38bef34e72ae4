{{ config(materialized='view') }}

{#- Every log line with something wrong, by file and reason: the lines kept out of the cost
    (malformed: invalid JSON, no requestId, a bad or far-off timestamp, a count that is not a whole
    number or is negative) and the records counted with something to name (a missing or miscased
    schemaType, no identity). A record is named by its requestId; lines without one are counted
    together. Never a line's text. -#}

with

flagged_lines as (
    select * from {{ ref('stg_bedrock__log_lines') }}
    where line_problem is not null
),

final as (
    select
        log_file,
        line_status,
        line_problem,
        request_id,
        count(*) as line_count,
        sum(input_tokens + output_tokens + cache_read_input_tokens + cache_write_input_tokens) as token_count,
        min(invoked_at) as first_invoked_at,
        max(invoked_at) as last_invoked_at,
        max(loaded_at) as loaded_at,
        log_date
    from flagged_lines
    group by log_file, line_status, line_problem, request_id, log_date
)

select * from final
