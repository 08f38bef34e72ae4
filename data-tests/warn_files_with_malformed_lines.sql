{#- Warns naming every log file with lines that could not be read as an invocation record, per
    reason (audit_log_line_problems): invalid JSON, no requestId, a bad or far-off timestamp, a token
    count that is not a whole number or is negative. They are counted in audit_log_files and kept
    out of every cost, never dropped silently. A file cut short is the error test
    assert_no_truncated_log_files instead. The rows and their words: audit_log_file_problems. -#}
{{ config(severity='warn') }}

select
    log_file,
    problem as line_problem,
    line_count,
    message
from {{ ref('audit_log_file_problems') }}
where problem_kind = 'malformed'
