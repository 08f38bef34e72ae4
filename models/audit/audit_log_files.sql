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

lines_per_file as (
    select
        log_file,
        log_date,
        count(*) as raw_line_count,
        sum(case when line_status = 'record' then 1 else 0 end) as record_count,
        sum(case when line_status = 'malformed' then 1 else 0 end) as malformed_count,
        sum(case when line_status = 'skipped' then 1 else 0 end) as skipped_count,
        sum(case when line_status = 'record' and schema_version <> '1.0' then 1 else 0 end)
            as unknown_schema_version_count,
        min(invoked_at) as first_invoked_at,
        max(invoked_at) as last_invoked_at
    from {{ ref('base_bedrock__log_lines') }}
    {%- if since_date %}
    where log_date >= date '{{ since_date }}'
    {%- endif %}
    group by log_file, log_date
),

invocations_per_file as (
    -- staging keeps exactly one copy of each request id, with the file it came from
    select
        log_file,
        count(*) as invocation_count
    from {{ ref('stg_bedrock__invocations') }}
    {%- if since_usage_date %}
    where usage_date >= date '{{ since_usage_date }}'
    {%- endif %}
    group by log_file
),

final as (
    select
        lines_per_file.log_file,
        lines_per_file.raw_line_count,
        coalesce(invocations_per_file.invocation_count, 0) as invocation_count,
        lines_per_file.record_count - coalesce(invocations_per_file.invocation_count, 0) as duplicate_count,
        lines_per_file.malformed_count,
        lines_per_file.skipped_count,
        lines_per_file.unknown_schema_version_count,
        lines_per_file.first_invoked_at,
        lines_per_file.last_invoked_at,
        lines_per_file.log_date
    from lines_per_file
    left join invocations_per_file
        on lines_per_file.log_file = invocations_per_file.log_file
)

select * from final
