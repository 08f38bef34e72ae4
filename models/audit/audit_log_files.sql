{{
    config(
        unique_key='log_file',
        partitioned_by=['log_date'],
    )
}}

{#- Every line of every log file read is accounted for: an invocation, a duplicate of one, a
    malformed line or a skipped (non-invocation) record. -#}
{%- set since_date = bedrock_costs.incremental_cutoff_date(date_column='log_date') %}
{#- a record lands at most one day after its own date (late into the next hour's folder) #}
{%- set since_usage_date = none %}
{%- if since_date %}
    {%- set day_before = modules.datetime.date.fromisoformat(since_date) - modules.datetime.timedelta(days=1) %}
    {%- set since_usage_date = day_before.isoformat() %}
{%- endif %}

with

log_lines as (
    select * from {{ ref('base_bedrock__log_lines') }}
    {%- if since_date %}
    where log_date >= date '{{ since_date }}'
    {%- endif %}
),

kept_copies as (
    -- the one copy of each request id that staging kept
    select
        request_id,
        log_file
    from {{ ref('stg_bedrock__invocations') }}
    {%- if since_usage_date %}
    where usage_date >= date '{{ since_usage_date }}'
    {%- endif %}
),

outcomes as (
    select
        log_lines.log_file,
        log_lines.log_date,
        log_lines.invoked_at,
        log_lines.schema_version,
        case
            when log_lines.line_status <> 'record' then log_lines.line_status
            when kept_copies.request_id is not null and log_lines.line_occurrence = 1 then 'invocation'
            else 'duplicate'
        end as line_outcome
    from log_lines
    left join kept_copies
        on log_lines.request_id = kept_copies.request_id
        and log_lines.log_file = kept_copies.log_file
),

final as (
    select
        log_file,
        count(*) as raw_line_count,
        sum(case when line_outcome = 'invocation' then 1 else 0 end) as invocation_count,
        sum(case when line_outcome = 'duplicate' then 1 else 0 end) as duplicate_count,
        sum(case when line_outcome = 'malformed' then 1 else 0 end) as malformed_count,
        sum(case when line_outcome = 'skipped' then 1 else 0 end) as skipped_count,
        sum(
            case when line_outcome in ('invocation', 'duplicate') and schema_version <> '1.0' then 1 else 0 end
        ) as unknown_schema_version_count,
        min(invoked_at) as first_invoked_at,
        max(invoked_at) as last_invoked_at,
        log_date
    from outcomes
    group by log_file, log_date
)

select * from final
