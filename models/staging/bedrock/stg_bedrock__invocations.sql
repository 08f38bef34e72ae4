{{
    config(
        unique_key='request_id',
        partitioned_by=['usage_date'],
    )
}}

{#- On an incremental run, take only the request ids of the lines loaded since the newest line
    already here (the files the log-lines model read in this run), with every copy of them in the
    day folders of the lookback window, so that the latest file still wins. Each step below reads
    the base table itself (a cheap columnar scan) instead of sharing one wide CTE, which DuckDB
    would materialise in memory when it is referenced more than once. -#}
{%- set since_date = bedrock_costs.incremental_cutoff_date() %}
{%- set loaded_since = bedrock_costs.incremental_watermark() %}
{%- set log_lines_in_window -%}
    log_lines.line_status = 'record'
    {%- if since_date %}
    and log_lines.log_date >= date '{{ since_date }}'
    {%- endif %}
    {%- if loaded_since %}
    and log_lines.request_id in (select new_request_ids.request_id from new_request_ids)
    {%- endif %}
{%- endset %}

with
{% if loaded_since %}
new_request_ids as (
    -- the request ids of the lines loaded since the newest line here, found once
    select distinct new_lines.request_id
    from {{ ref('base_bedrock__log_lines') }} as new_lines
    where
        new_lines.loaded_at > cast('{{ loaded_since }}' as timestamp)
        and new_lines.line_status = 'record'
),
{% endif %}
duplicated_ids as (
    -- a record delivered twice counts once; few request ids are, so find them first with a
    -- narrow aggregate (no window over every line: this scales to millions of rows)
    select log_lines.request_id
    from {{ ref('base_bedrock__log_lines') }} as log_lines
    where {{ log_lines_in_window }}
    group by log_lines.request_id
    having count(*) > 1
),

single_copies as (
    -- the others, through an uncorrelated NOT IN: the engine hashes the few duplicates, never
    -- the millions of lines
    select
        log_lines.*,
        1 as copy_rank
    from {{ ref('base_bedrock__log_lines') }} as log_lines
    where
        {{ log_lines_in_window }}
        and log_lines.request_id not in (select duplicated_ids.request_id from duplicated_ids)
),

ranked_copies as (
    -- for the duplicated ones, the copy in the latest file wins (any copy of a same-file repeat)
    select
        log_lines.*,
        row_number() over (
            partition by log_lines.request_id
            order by log_lines.log_file desc, log_lines.invoked_at asc
        ) as copy_rank
    from {{ ref('base_bedrock__log_lines') }} as log_lines
    inner join duplicated_ids
        on log_lines.request_id = duplicated_ids.request_id
    where {{ log_lines_in_window }}
),

log_records as (
    select * from single_copies
    union all
    select * from ranked_copies
    where copy_rank = 1
),

callers as (
    select * from {{ ref('base_bedrock__callers') }}
),

final as (
    select
        log_records.request_id,
        log_records.invoked_at,
        cast(log_records.invoked_at as date) as usage_date,
        log_records.account_id,
        log_records.aws_region,
        log_records.inference_region,
        log_records.api_operation,
        log_records.model_id_raw,
        log_records.caller_arn,
        -- an identity base_bedrock__callers does not list (a partial run skipped it) is parsed here
        case
            when callers.caller_arn is null then {{ bedrock_costs.caller_name('log_records.caller_arn') }}
            else callers.caller_name
        end as caller_name,
        case
            when callers.caller_arn is null then {{ bedrock_costs.caller_type('log_records.caller_arn') }}
            else callers.caller_type
        end as caller_type,
        case
            when callers.caller_arn is null then {{ bedrock_costs.caller_role('log_records.caller_arn') }}
            else callers.caller_role
        end as caller_role,
        log_records.input_tokens,
        log_records.output_tokens,
        log_records.cache_read_input_tokens,
        log_records.cache_write_input_tokens,
        log_records.error_code,
        log_records.request_metadata,
        log_records.schema_version,
        log_records.log_file,
        log_records.loaded_at
    from log_records
    left join callers
        on log_records.caller_arn = callers.caller_arn
)

select * from final
