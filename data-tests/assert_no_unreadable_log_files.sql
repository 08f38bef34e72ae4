{#- Fails naming every log file the loader could not open and set aside (DuckDB): an empty file, one
    that is not gzip (plain text, a header cut short) or whose first block is not deflate data. None
    of its lines is in any cost, and the build went on with the other files. The fix: copy the file
    again from the log bucket (or delete a stray file); the next build reads it. -#}

select
    log_file,
    file_size,
    problem,
    'UNREADABLE: ' || log_file || ' (' || cast(file_size as varchar) || ' bytes) was set aside, no line read: '
    || case problem
        when 'empty_file' then 'the file is empty'
        when 'not_gzip' then 'it does not start with a gzip header (plain text, or a header cut short)'
        when 'corrupt_start' then 'its first compressed block is not deflate data'
        when 'corrupt_stream' then 'its gzip stream cannot be decoded to its end (or its CRC or length is wrong)'
        when 'read_error' then 'the reader stopped on it'
        else problem
    end
    || ' - copy it again from the log bucket, or remove it; the next build reads it' as message
from {{ ref('audit_log_files') }}
where file_status = 'unreadable'
