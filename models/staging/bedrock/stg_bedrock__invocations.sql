{{
    config(
        unique_key='request_id',
        partitioned_by=['usage_date'],
    )
}}

{#- On an incremental run, take only the log lines of the day folders inside the lookback window.
    Each step below reads the base table itself (a cheap columnar scan) instead of sharing one wide
    CTE, which DuckDB would materialise in memory when it is referenced more than once. -#}
{%- set since_date = bedrock_costs.incremental_cutoff_date() %}
{%- set log_lines_in_window -%}
    log_lines.line_status = 'record'
    {%- if since_date %} and log_lines.log_date >= date '{{ since_date }}'{% endif %}
{%- endset %}

with

duplicated_ids as (
    -- a record delivered twice counts once; few request ids are, so find them first with a
    -- narrow aggregate (no window over every column: this scales to millions of rows)
    select log_lines.request_id
    from {{ ref('base_bedrock__log_lines') }} as log_lines
    where {{ log_lines_in_window }}
    group by log_lines.request_id
    having count(*) > 1
),

kept_copies as (
    -- for those, the copy in the latest file wins
    select
        log_lines.request_id,
        max(log_lines.log_file) as log_file
    from {{ ref('base_bedrock__log_lines') }} as log_lines
    inner join duplicated_ids
        on log_lines.request_id = duplicated_ids.request_id
    where {{ log_lines_in_window }}
    group by log_lines.request_id
),

callers as (
    -- parse each distinct identity once: a few hundred ARNs, not one regex per call
    select
        distinct_callers.caller_arn,
        {{ bedrock_costs.caller_name('distinct_callers.caller_arn') }} as caller_name,
        {{ bedrock_costs.caller_type('distinct_callers.caller_arn') }} as caller_type,
        {{ bedrock_costs.caller_role('distinct_callers.caller_arn') }} as caller_role
    from (
        select distinct log_lines.caller_arn
        from {{ ref('base_bedrock__log_lines') }} as log_lines
        where {{ log_lines_in_window }}
    ) as distinct_callers
),

final as (
    select
        log_lines.request_id,
        log_lines.invoked_at,
        cast(log_lines.invoked_at as date) as usage_date,
        log_lines.account_id,
        log_lines.aws_region,
        log_lines.inference_region,
        log_lines.api_operation,
        log_lines.model_id_raw,
        log_lines.caller_arn,
        coalesce(callers.caller_name, {{ bedrock_costs.caller_name('cast(null as varchar)') }}) as caller_name,
        coalesce(callers.caller_type, {{ bedrock_costs.caller_type('cast(null as varchar)') }}) as caller_type,
        callers.caller_role,
        log_lines.input_tokens,
        log_lines.output_tokens,
        log_lines.cache_read_input_tokens,
        log_lines.cache_write_input_tokens,
        log_lines.error_code,
        log_lines.request_metadata,
        log_lines.schema_version,
        log_lines.log_file
    from {{ ref('base_bedrock__log_lines') }} as log_lines
    left join callers
        on log_lines.caller_arn = callers.caller_arn
    where
        {{ log_lines_in_window }}
        and log_lines.line_occurrence = 1
        -- an anti-join, so the engine hashes the few duplicates, never the millions of lines
        and not exists (
            select 1
            from kept_copies
            where
                kept_copies.request_id = log_lines.request_id
                and kept_copies.log_file <> log_lines.log_file
        )
)

select * from final
