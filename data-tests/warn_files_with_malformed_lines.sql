{#- Warns listing every log file with lines that could not be read as an invocation record
    (truncated or invalid JSON, wrong types, missing requestId or timestamp). They are counted
    in audit_log_files, never dropped silently. -#}
{{ config(severity='warn') }}

select
    log_file,
    raw_line_count,
    malformed_count
from {{ ref('audit_log_files') }}
where malformed_count > 0
