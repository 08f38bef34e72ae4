{#- audit_log_files against staging, file by file: each audited file's invocation_count is the number
    of calls stg_bedrock__invocations keeps from it. Taken on the files the test sees (a scheduled
    run: the files of the days it rebuilt), with staging pruned to the usage days of those files'
    lines, found first and inlined. -#}
{% test invocations_per_file_match(model, invocations, log_lines) %}
{%- set audited_files = 'select log_file, log_date from ' ~ model %}
{%- set days = bedrock_costs.query_dates(
    "select distinct log_lines.usage_date from " ~ log_lines ~ " as log_lines"
    ~ " where log_lines.line_status = 'record'"
    ~ " and log_lines.log_date in (select audited.log_date from (" ~ audited_files ~ ") as audited)"
    ~ " and log_lines.log_file in (select audited.log_file from (" ~ audited_files ~ ") as audited)") %}
with

audited as (
    select
        log_file,
        invocation_count
    from {{ model }}
),

counted as (
    select
        log_file,
        count(*) as invocation_count
    from {{ invocations }}
    where
        {{ bedrock_costs.in_dates('usage_date', days) }}
        and log_file in (select audited.log_file from audited)
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
