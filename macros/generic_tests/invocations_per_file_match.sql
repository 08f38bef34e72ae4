{#- audit_log_files against staging, file by file: each audited file's invocation_count is the number
    of calls stg_bedrock__invocations keeps from it. Taken on the files the test sees (a scheduled
    run: the files of the days it rebuilt), with staging pruned to the span of those files' calls
    (the audit's own first and last invoked_at), found first and inlined. -#}
{% test invocations_per_file_match(model, invocations) %}
{#- the span of the audited files' calls, from their first and last invoked_at: staging is read on it
    (the days asked through the incremental window's query_dates, and inlined as literals) -#}
{%- set span_days = bedrock_costs.query_dates(
    'select cast(min(first_invoked_at) as date) from ' ~ model ~ ' union all '
    ~ 'select cast(max(last_invoked_at) as date) from ' ~ model) | reject('equalto', 'None') | list %}
{%- set offline = var('bedrock_costs_offline_incremental', none) is not none %}
with

audited as (
    select
        log_file,
        invocation_count
    from {{ model }}
),

counted as (
    -- per file over the days those files' lines fall on (a few thousand files: a small aggregate)
    select
        log_file,
        count(*) as invocation_count
    from {{ invocations }}
    {%- if span_days and not offline %}
    where usage_date between date '{{ span_days | min }}' and date '{{ span_days | max }}'
    {%- elif execute and not offline %}
    where 1 = 0
    {%- endif %}
    group by log_file
)

select
    audited.log_file,
    audited.invocation_count,
    coalesce(counted.invocation_count, 0) as staging_invocation_count,
    'AUDIT: ' || audited.log_file || ' counts ' || cast(audited.invocation_count as varchar)
    || ' invocations, staging keeps ' || cast(coalesce(counted.invocation_count, 0) as varchar)
    || ' from it - run dbt build --full-refresh --select audit_log_files' as message
from audited
left join counted
    on audited.log_file = counted.log_file
where audited.invocation_count <> coalesce(counted.invocation_count, 0)
{% endtest %}
