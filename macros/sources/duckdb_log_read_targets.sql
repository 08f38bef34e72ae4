{#- DuckDB: what to read, as globs and file paths. A full build reads every day folder
    (…/<region>/yyyy/mm/dd/hh/*.json.gz). An incremental run lists only the months of the window
    (from since_date's month to the current one), never the whole history, and leaves out the files
    stored with the same size: an hour folder none of whose files was ever stored is one glob, and
    the other new or rewritten files are named one by one. Offloaded bodies under hh/data/ and the
    permission-check object never match. -#}
{% macro duckdb_log_read_targets(since_date, stored_lines=none) %}
    {%- set root = bedrock_costs.log_root() -%}
    {%- set all_days = '[0-9][0-9][0-9][0-9]/[0-1][0-9]' -%}
    {%- set file_glob = root ~ '/AWSLogs/*/BedrockModelInvocationLogs/*/{month}/[0-3][0-9]/[0-2][0-9]/*.json.gz' -%}
    {%- if not execute -%}
        {{ return([file_glob | replace('{month}', all_days)]) }}
    {%- endif -%}
    {%- set month_globs = [] -%}
    {%- if since_date -%}
        {#- the months of the window, up to the clock's month, and one more: a day folder just past
            midnight UTC of the next month -#}
        {%- set first = modules.datetime.date.fromisoformat(since_date) -%}
        {%- set clock = run_started_at.date() -%}
        {%- set month_count = [(clock.year - first.year) * 12 + clock.month - first.month, 0] | max + 2 -%}
        {%- for offset in range(month_count) -%}
            {%- set month_index = first.month - 1 + offset -%}
            {%- set month = first.replace(year=first.year + month_index // 12, month=month_index % 12 + 1, day=1) -%}
            {%- do month_globs.append(file_glob | replace('{month}', month.strftime('%Y/%m'))) -%}
        {%- endfor -%}
    {%- else -%}
        {%- do month_globs.append(file_glob | replace('{month}', all_days)) -%}
    {%- endif -%}
    {%- set listing -%}
        with

        listed as (
            select
                filename as log_file,
                size as file_size,
                regexp_extract(filename, '^(.*/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2})/[^/]*$', 1) as hour_folder,
                regexp_extract(filename, '^.*/([0-9]{4})/([0-9]{2})/([0-9]{2})/[0-9]{2}/[^/]*$', ['y', 'm', 'd']) as ymd
            from read_blob([
                {%- for month_glob in month_globs %}
                {{ bedrock_costs.sql_string(month_glob) }}{{ ',' if not loop.last }}
                {%- endfor %}
            ])
        ),

        in_window as (
            select *
            from listed
            {%- if since_date %}
            where make_date(cast(ymd.y as integer), cast(ymd.m as integer), cast(ymd.d as integer)) >= date '{{ since_date }}'
            {%- endif %}
        )

        {%- if not since_date or stored_lines is none %}
        select distinct hour_folder || '/*.json.gz' as read_target
        from in_window
        {%- else %},

        stored as (
            select distinct
                log_file,
                file_size
            from {{ stored_lines }}
            where log_date >= date '{{ since_date }}'
        ),

        marked as (
            select
                in_window.log_file,
                in_window.hour_folder,
                stored_versions.log_file is not null as is_stored,
                stored_paths.log_file is not null as was_read_before
            from in_window
            left join stored as stored_versions
                on in_window.log_file = stored_versions.log_file
                and in_window.file_size = stored_versions.file_size
            left join (select distinct log_file from stored) as stored_paths
                on in_window.log_file = stored_paths.log_file
        ),

        hours as (
            select
                hour_folder,
                bool_or(was_read_before) as has_files_read_before
            from marked
            group by hour_folder
        )

        select distinct
            case
                when hours.has_files_read_before then marked.log_file
                else marked.hour_folder || '/*.json.gz'
            end as read_target
        from marked
        inner join hours
            on marked.hour_folder = hours.hour_folder
        where not marked.is_stored
        {%- endif %}
        order by read_target
    {%- endset -%}
    {%- set read_targets = run_query(listing).columns[0].values() -%}
    {%- if read_targets | length == 0 and not since_date -%}
        {{ exceptions.raise_compiler_error(
            'No Bedrock invocation log files under ' ~ root ~ '/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/yyyy/mm/dd/hh/' ~
            '. Set BEDROCK_LOGS_PATH to the folder (or s3://bucket/prefix) that contains AWSLogs/ (run `make sample` for the bundled sample).') }}
    {%- endif -%}
    {{ return(read_targets | list) }}
{% endmacro %}
