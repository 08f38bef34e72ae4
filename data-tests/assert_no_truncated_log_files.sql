{#- Fails naming every log file whose gzip stream ends early (its size trailer does not match what
    it decodes to): a copy cut short, so calls are missing. Its readable lines are kept. The fix is
    to copy the file again: a file whose size changed is read again and its earlier lines replaced. -#}

select
    log_file,
    file_size,
    invocation_count,
    'TRUNCATED: ' || log_file || ' (' || cast(file_size as varchar) || ' bytes) ends before its gzip stream does: '
    || cast(invocation_count as varchar) || ' calls were readable, the rest are missing - copy the file again'
    || ' from the log bucket; the next build reads it again and replaces its lines' as message
from {{ ref('audit_log_files') }}
where is_truncated
