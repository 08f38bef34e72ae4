{#- DuckDB: what to read, as globs and file paths, under a folder or s3://bucket/prefix (read through
    the fsspec filesystem that profiles.yml.example registers for an s3:// BEDROCK_LOGS_PATH).

    The region folders (…/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/) are listed first,
    and each is globbed below a literal prefix: on S3 a glob whose first wildcard is the account
    folder makes fsspec walk every folder beneath it, the whole history. A full build reads every
    day folder (<region>/yyyy/mm/dd/hh/*.json.gz). An incremental run lists only the window, from
    since_date to the day after the clock's (a folder just past midnight UTC): one literal day
    prefix per day of since_date's month, then whole months. It leaves out the files stored with
    the same size: an hour folder none of whose files was ever stored is one glob, and the other
    new or rewritten files are named one by one. Offloaded bodies under hh/data/ and the
    permission-check object never match. -#}
{% macro duckdb_log_read_targets(since_date, stored_lines=none) %}
    {%- set root = bedrock_costs.log_root() -%}
    {%- set all_months = '[0-9][0-9][0-9][0-9]/[0-1][0-9]' -%}
    {%- set hour_files = '[0-2][0-9]/*.json.gz' -%}
    {%- if not execute -%}
        {{ return([root ~ '/AWSLogs/*/BedrockModelInvocationLogs/*/' ~ all_months ~ '/[0-3][0-9]/' ~ hour_files]) }}
    {%- endif -%}
    {%- if root.startswith('s3://') and not (target.get('filesystems') or []) | selectattr('fs', 'in', ['s3', 's3a']) | list -%}
        {{ exceptions.raise_compiler_error(
            'The logs are on S3 (' ~ root ~ '), but no S3 filesystem is registered with DuckDB. Set '
            ~ 'BEDROCK_LOGS_PATH=' ~ root ~ ' in the environment (profiles.yml.example then registers s3fs '
            ~ 'through the profile option filesystems), or add `filesystems: [{fs: s3}]` to the profile.') }}
    {%- endif -%}

    {#- each window day's folder, or month folder, below a region folder ('yyyy/mm/dd/' + hour_files) -#}
    {%- set period_globs = [] -%}
    {%- if since_date -%}
        {%- set first = modules.datetime.date.fromisoformat(since_date) -%}
        {%- set day = modules.datetime.timedelta(days=1) -%}
        {%- set next_month = (first.replace(day=28) + 4 * day).replace(day=1) -%}
        {#- logs dated past the clock (a sample, a skewed clock): to the end of the next month -#}
        {%- set clock = run_started_at.date() -%}
        {%- set last = clock + day if clock >= first else (next_month.replace(day=28) + 4 * day).replace(day=1) - day -%}
        {%- set days_in_first_month = ([last, next_month - day] | min - first).days + 1 -%}
        {%- for offset in range(days_in_first_month) -%}
            {%- do period_globs.append((first + offset * day).strftime('%Y/%m/%d/') ~ hour_files) -%}
        {%- endfor -%}
        {%- set later_months = (last.year - next_month.year) * 12 + last.month - next_month.month + 1 -%}
        {%- for offset in range(later_months) -%}
            {%- set month_index = next_month.month - 1 + offset -%}
            {%- set month = next_month.replace(year=next_month.year + month_index // 12, month=month_index % 12 + 1) -%}
            {%- do period_globs.append(month.strftime('%Y/%m/') ~ '[0-3][0-9]/' ~ hour_files) -%}
        {%- endfor -%}
    {%- else -%}
        {%- do period_globs.append(all_months ~ '/[0-3][0-9]/' ~ hour_files) -%}
    {%- endif -%}

    {%- set region_listing -%}
        select distinct rtrim(file, '/') as region_folder
        from glob({{ bedrock_costs.sql_string(root ~ '/AWSLogs/*/BedrockModelInvocationLogs/*/') }})
        order by region_folder
    {%- endset -%}
    {%- set file_globs = [] -%}
    {%- for region_folder in run_query(region_listing).columns[0].values() -%}
        {%- for period_glob in period_globs -%}
            {%- do file_globs.append(region_folder ~ '/' ~ period_glob) -%}
        {%- endfor -%}
    {%- endfor -%}

    {%- set listing -%}
        with

        listed as (
            select
                filename as log_file,
                size as file_size,
                regexp_extract(filename, '^(.*/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2})/[^/]*$', 1) as hour_folder,
                regexp_extract(filename, '^.*/([0-9]{4})/([0-9]{2})/([0-9]{2})/[0-9]{2}/[^/]*$', ['y', 'm', 'd']) as ymd
            from read_blob([
                {%- for file_glob in file_globs %}
                {{ bedrock_costs.sql_string(file_glob) }}{{ ',' if not loop.last }}
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
    {%- set read_targets = run_query(listing).columns[0].values() if file_globs else [] -%}
    {%- if read_targets | length == 0 and not since_date -%}
        {{ exceptions.raise_compiler_error(
            'No Bedrock invocation log files under ' ~ root ~ '/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/yyyy/mm/dd/hh/' ~
            '. Set BEDROCK_LOGS_PATH to the folder (or s3://bucket/prefix) that contains AWSLogs/ (run `make sample` for the bundled sample).') }}
    {%- endif -%}
    {{ return(read_targets | list) }}
{% endmacro %}
