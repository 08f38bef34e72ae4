{{ config(materialized='view') }}
{#- Every log file that lost or set aside calls, one row per problem, with the line a person reads
    and its fix: a gzip stream that stops before its end (`truncated`) or cannot be decoded past some
    point (`corrupt`), a file the loader could not open (`unreadable`, DuckDB), and lines that could
    not be read as a record (`malformed`, one row per reason; not for a cut or corrupt file, whose
    last line is cut by the cut). The tests assert_no_truncated_log_files,
    assert_no_unreadable_log_files and warn_files_with_malformed_lines print these rows;
    `bedrock-costs notify` sends each as an alert. -#}

with

log_files as (
    select * from {{ ref('audit_log_files') }}
),

malformed_lines as (
    select
        log_file,
        line_problem,
        sum(line_count) as line_count,
        min(case when request_id <> '' then request_id end) as first_request_id
    from {{ ref('audit_log_line_problems') }}
    where line_status = 'malformed'
    group by log_file, line_problem
),

cut_streams as (
    -- calls are missing: the readable lines are kept, the rest is lost until the file is copied again
    select
        log_file,
        log_date,
        file_size,
        stream_status as problem_kind,
        stream_detail as problem,
        invocation_count,
        cast(null as bigint) as line_count,
        case stream_status
            when 'truncated'
                then 'TRUNCATED: ' || log_file || ' (' || cast(file_size as varchar)
                    || ' bytes) ends before its gzip stream does: '
            else 'CORRUPT: ' || log_file || ' (' || cast(file_size as varchar) || ' bytes) cannot be decoded to its end ('
                || coalesce(stream_detail, 'zlib error') || '): '
        end
        || cast(invocation_count as varchar) || ' calls were readable, the rest are missing' as finding,
        'copy the file again from the log bucket; the next build reads it again and replaces its lines' as fix
    from log_files
    where stream_status in ('truncated', 'corrupt')
),

unreadable_files as (
    -- set aside by the loader (DuckDB), or listed in bedrock_costs_skip_log_files: none of its lines is in any cost
    select
        log_file,
        log_date,
        file_size,
        'unreadable' as problem_kind,
        problem,
        invocation_count,
        cast(null as bigint) as line_count,
        'UNREADABLE: ' || log_file || coalesce(' (' || cast(file_size as varchar) || ' bytes)', '')
        || ' was set aside, no line read: '
        || case problem
            when 'empty_file' then 'the file is empty'
            when 'not_gzip' then 'it does not start with a gzip header (plain text, or a header cut short)'
            when 'corrupt_start' then 'its first compressed block is not deflate data'
            when 'corrupt_stream' then 'its gzip stream cannot be decoded to its end (or its CRC or length is wrong)'
            when 'read_error' then 'the reader stopped on it'
            when 'skipped_by_config' then 'it is listed in bedrock_costs_skip_log_files (take it off the list once it is fixed)'
            else problem
        end as finding,
        'copy it again from the log bucket, or remove it; the next build reads it' as fix
    from log_files
    where file_status = 'unreadable'
),

malformed_files as (
    -- counted in audit_log_files and kept out of every cost, never dropped silently
    select
        log_files.log_file,
        log_files.log_date,
        log_files.file_size,
        'malformed' as problem_kind,
        malformed_lines.line_problem as problem,
        log_files.invocation_count,
        malformed_lines.line_count,
        'MALFORMED: ' || log_files.log_file || ': ' || cast(malformed_lines.line_count as varchar) || ' line(s) '
        || malformed_lines.line_problem
        || coalesce(' (first requestId ' || malformed_lines.first_request_id || ')', '')
        || coalesce(
            ' at line(s) ' || case when malformed_lines.line_problem = 'invalid_json' then log_files.bad_json_lines end, ''
        )
        || ', counted in audit_log_files and in no cost' as finding,
        'check the file, then replace it: a file whose size changes is read again' as fix
    from log_files
    inner join malformed_lines
        on log_files.log_file = malformed_lines.log_file
    where
        log_files.malformed_count > 0
        and not log_files.is_truncated
        and coalesce(log_files.stream_status, '') <> 'corrupt'
),

problems as (
    select * from cut_streams
    union all
    select * from unreadable_files
    union all
    select * from malformed_files
),

final as (
    select
        log_file,
        log_date,
        file_size,
        problem_kind,
        problem,
        invocation_count,
        line_count,
        finding,
        fix,
        finding || case when problem_kind = 'malformed' then '; ' else ' - ' end || fix as message
    from problems
)

select * from final
