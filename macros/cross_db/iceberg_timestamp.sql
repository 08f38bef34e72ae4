{#- A timestamp an Iceberg staging table can store: Athena's Iceberg tables take microseconds
    (timestamp(6)) and refuse timestamp(3); the mart tables take milliseconds (hive_timestamp).
    DuckDB has one timestamp type. -#}
{% macro iceberg_timestamp(expression) -%}
    {{ return(adapter.dispatch('iceberg_timestamp', 'bedrock_costs')(expression)) }}
{%- endmacro %}

{% macro athena__iceberg_timestamp(expression) -%}
    cast({{ expression }} as timestamp(6))
{%- endmacro %}

{% macro trino__iceberg_timestamp(expression) -%}
    {{ bedrock_costs.athena__iceberg_timestamp(expression) }}
{%- endmacro %}

{% macro duckdb__iceberg_timestamp(expression) -%}
    cast({{ expression }} as timestamp)
{%- endmacro %}

{% macro default__iceberg_timestamp(expression) -%}
    {{ exceptions.raise_compiler_error('iceberg_timestamp: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
