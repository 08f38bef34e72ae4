{#- Fails naming every log file the loader could not open and set aside (DuckDB): an empty file, one
    that is not gzip (plain text, a header cut short) or whose first block is not deflate data. None
    of its lines is in any cost, and the build went on with the other files. The fix: copy the file
    again from the log bucket (or delete a stray file); the next build reads it. A file listed in
    bedrock_costs_skip_log_files is named here too (skipped_by_config). The rows and their
    words: audit_log_file_problems. -#}

select
    log_file,
    file_size,
    problem,
    message
from {{ ref('audit_log_file_problems') }}
where problem_kind = 'unreadable'
