{#- How an incremental model replaces the days it rebuilds (it is unique on its partition column):
    Athena overwrites the Hive/parquet partitions; DuckDB and Trino delete the days, then insert. -#}
{% macro replace_days_strategy() -%}
    {{ return(adapter.dispatch('replace_days_strategy', 'bedrock_costs')()) }}
{%- endmacro %}

{% macro athena__replace_days_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{% macro duckdb__replace_days_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro trino__replace_days_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro default__replace_days_strategy() -%}
    {{ exceptions.raise_compiler_error('replace_days_strategy: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
