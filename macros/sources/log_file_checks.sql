{#- What the loader found about each log file, newest check first, one row per file: whether it
    could be opened (file_status, problem) and how its gzip stream ends (stream_status,
    stream_detail, bad_json_lines). DuckDB: the loader's record (stg_bedrock__log_files) and the
    stream checks (audit_log_streams). Athena and Trino read their log table, which fails the query
    on a file it cannot decode, naming it: no rows. -#}
{% macro log_file_checks() -%}
    {{ return(adapter.dispatch('log_file_checks', 'bedrock_costs')()) }}
{%- endmacro %}

{% macro duckdb__log_file_checks() -%}
    select
        log_file,
        file_size,
        log_date,
        file_status,
        problem,
        stream_status,
        stream_detail,
        bad_json_lines,
        loaded_at
    from (
        select
            files.*,
            streams.stream_status,
            streams.stream_detail,
            streams.bad_json_lines,
            row_number() over (partition by files.log_file order by files.loaded_at desc) as newest_first
        from {{ ref('stg_bedrock__log_files') }} as files
        left join {{ ref('audit_log_streams') }} as streams
            on files.log_file = streams.log_file
            and files.loaded_at = streams.loaded_at
    ) as checks
    where newest_first = 1
{%- endmacro %}

{% macro athena__log_file_checks() -%}
    select
        cast(null as varchar) as log_file,
        cast(null as bigint) as file_size,
        cast(null as date) as log_date,
        cast(null as varchar) as file_status,
        cast(null as varchar) as problem,
        cast(null as varchar) as stream_status,
        cast(null as varchar) as stream_detail,
        cast(null as varchar) as bad_json_lines,
        {{ bedrock_costs.iceberg_timestamp('null') }} as loaded_at
    where 1 = 0
{%- endmacro %}

{% macro trino__log_file_checks() -%}
    {{ bedrock_costs.athena__log_file_checks() }}
{%- endmacro %}

{% macro default__log_file_checks() -%}
    {{ exceptions.raise_compiler_error('log_file_checks: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
