{#- Warns naming every log file with lines that could not be read as an invocation record, per
    reason (audit_log_line_problems): invalid JSON, no requestId, a bad or far-off timestamp, a token
    count that is not a whole number or is negative. They are counted in audit_log_files and kept
    out of every cost, never dropped silently. A file cut short is the error test
    assert_no_truncated_log_files instead. -#}
{{ config(severity='warn') }}

with

problems as (
    select
        log_file,
        line_problem,
        sum(line_count) as line_count,
        min(case when request_id <> '' then request_id end) as first_request_id
    from {{ ref('audit_log_line_problems') }}
    where line_status = 'malformed'
    group by log_file, line_problem
),

files as (
    select * from {{ ref('audit_log_files') }}
    where
        malformed_count > 0
        and not is_truncated
        and coalesce(stream_status, '') <> 'corrupt'
)

select
    files.log_file,
    problems.line_problem,
    problems.line_count,
    'MALFORMED: ' || files.log_file || ': ' || cast(problems.line_count as varchar) || ' line(s) '
    || problems.line_problem
    || coalesce(' (first requestId ' || problems.first_request_id || ')', '')
    || coalesce(' at line(s) ' || case when problems.line_problem = 'invalid_json' then files.bad_json_lines end, '')
    || ', counted in audit_log_files and in no cost; check the file, then replace it: a file whose size changes'
    || ' is read again' as message
from files
inner join problems
    on files.log_file = problems.log_file
