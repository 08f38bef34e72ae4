{#- Warns naming every log file with lines that could not be read as an invocation record
    (invalid JSON, wrong types, missing requestId or timestamp). They are counted in
    audit_log_files, never dropped silently. A file cut short is the error test
    assert_no_truncated_log_files instead. -#}
{{ config(severity='warn') }}

select
    log_file,
    raw_line_count,
    malformed_count,
    'MALFORMED: ' || log_file || ': ' || cast(malformed_count as varchar) || ' of '
    || cast(raw_line_count as varchar) || ' lines are not readable invocation records (counted, not priced);'
    || ' check the file, then replace it: a file whose size changes is read again' as message
from {{ ref('audit_log_files') }}
where
    malformed_count > 0
    and not is_truncated
