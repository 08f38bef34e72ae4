{#- The log files among `candidates_sql`'s (one log_file column) whose gzip stream ends early: the
    4-byte size a complete gzip stream ends with (ISIZE) does not match the bytes it decodes to.
    DuckDB reads what it can of such a file silently, so the check runs on the files that have a
    malformed line (a cut file nearly always ends in one), and stays cheap. Athena and Trino fail
    the query on a cut gzip instead (the error names the file): nothing to flag there. -#}
{% macro truncated_log_files(candidates_sql) -%}
    {{ return(adapter.dispatch('truncated_log_files', 'bedrock_costs')(candidates_sql)) }}
{%- endmacro %}

{% macro duckdb__truncated_log_files(candidates_sql) -%}
    {%- if not execute or var('bedrock_costs_offline_incremental', none) is not none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set candidates = run_query(candidates_sql).columns[0].values() | list -%}
    {%- if candidates | length == 0 -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set file_list -%}
        [{% for log_file in candidates %}{{ bedrock_costs.sql_string(log_file) }}{{ ', ' if not loop.last }}{% endfor %}]
    {%- endset -%}
    {%- set check -%}
        with

        decoded as (
            select
                filename,
                sum(strlen(line) + 1) as decoded_bytes
            from read_csv(
                {{ file_list }},
                columns = {'line': 'varchar'},
                delim = '\x1f',
                quote = '',
                escape = '',
                header = false,
                compression = 'gzip',
                filename = true,
                strict_mode = false,
                ignore_errors = true,
                max_line_size = 16777216
            )
            group by filename
        ),

        footers as (
            -- ISIZE: the last 4 bytes, little-endian, the decoded size modulo 2^32
            select
                filename,
                right(hex(content), 8) as tail
            from read_blob({{ file_list }})
        )

        select footers.filename
        from footers
        left join decoded
            on footers.filename = decoded.filename
        where
            cast('0x' || substr(footers.tail, 7, 2) || substr(footers.tail, 5, 2)
                || substr(footers.tail, 3, 2) || substr(footers.tail, 1, 2) as bigint)
            not in (coalesce(decoded.decoded_bytes, 0) % 4294967296, (coalesce(decoded.decoded_bytes, 0) - 1) % 4294967296)
        order by footers.filename
    {%- endset -%}
    {{ return(run_query(check).columns[0].values() | list) }}
{%- endmacro %}

{% macro athena__truncated_log_files(candidates_sql) -%}
    {{ return([]) }}
{%- endmacro %}

{% macro trino__truncated_log_files(candidates_sql) -%}
    {{ return(bedrock_costs.athena__truncated_log_files(candidates_sql)) }}
{%- endmacro %}

{% macro default__truncated_log_files(candidates_sql) -%}
    {{ exceptions.raise_compiler_error('truncated_log_files: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
