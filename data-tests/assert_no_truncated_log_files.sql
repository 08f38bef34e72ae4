{#- Fails naming every log file whose gzip stream stops before its end (a copy cut short) or cannot
    be decoded past some point (corrupt), decided from the stream itself: calls are missing. Its
    readable lines are kept. The fix is to copy the file again: a file whose size changed is read
    again and its earlier lines replaced. -#}

select
    log_file,
    file_size,
    invocation_count,
    stream_status,
    case stream_status
        when 'truncated'
            then
                'TRUNCATED: ' || log_file || ' (' || cast(file_size as varchar)
                || ' bytes) ends before its gzip stream does: '
        else 'CORRUPT: ' || log_file || ' (' || cast(file_size as varchar) || ' bytes) cannot be decoded to its end ('
            || coalesce(stream_detail, 'zlib error') || '): '
    end
    || cast(invocation_count as varchar) || ' calls were readable, the rest are missing - copy the file again'
    || ' from the log bucket; the next build reads it again and replaces its lines' as message
from {{ ref('audit_log_files') }}
where stream_status in ('truncated', 'corrupt')
