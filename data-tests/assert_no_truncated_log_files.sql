{#- Fails naming every log file whose gzip stream stops before its end (a copy cut short) or cannot
    be decoded past some point (corrupt), decided from the stream itself: calls are missing. Its
    readable lines are kept. The fix is to copy the file again: a file whose size changed is read
    again and its earlier lines replaced. The rows and their words: audit_log_file_problems. -#}

select
    log_file,
    file_size,
    invocation_count,
    problem_kind as stream_status,
    message
from {{ ref('audit_log_file_problems') }}
where problem_kind in ('truncated', 'corrupt')
