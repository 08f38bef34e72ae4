{#- Written in `column` order: DuckDB keeps min/max per row group, so a reader that filters on the
    column (a FinOps window joined to its one calendar row, a test scoped to some days) skips the
    other values' row groups. A full build writes in parallel and would mix every day into every
    row group, so the reader of a 30-day window out of a year read the whole year (experiment 16).
    Trino and Athena partition such tables on the column instead: nothing to add. -#}
{% macro clustered_by(column) -%}
    {{ return(adapter.dispatch('clustered_by', 'bedrock_costs')(column)) }}
{%- endmacro %}

{% macro athena__clustered_by(column) -%}
    {{ return('') }}
{%- endmacro %}

{% macro duckdb__clustered_by(column) -%}
    {{ return('order by ' ~ column) }}
{%- endmacro %}

{% macro trino__clustered_by(column) -%}
    {{ return(bedrock_costs.athena__clustered_by(column)) }}
{%- endmacro %}

{% macro default__clustered_by(column) -%}
    {{ exceptions.raise_compiler_error('clustered_by: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
