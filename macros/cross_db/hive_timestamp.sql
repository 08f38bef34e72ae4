{#- A timestamp a mart table can store. Athena writes Hive (parquet) tables at millisecond
    precision and refuses a timestamp(6) column in a CTAS ("Incorrect timestamp precision for
    timestamp(6); the configured precision is MILLISECONDS"), while staging keeps microseconds
    for Iceberg. DuckDB has one timestamp type. -#}
{% macro hive_timestamp(expression) -%}
    {{ return(adapter.dispatch('hive_timestamp', 'bedrock_costs')(expression)) }}
{%- endmacro %}

{% macro athena__hive_timestamp(expression) -%}
    cast({{ expression }} as timestamp(3))
{%- endmacro %}

{% macro trino__hive_timestamp(expression) -%}
    {{ bedrock_costs.athena__hive_timestamp(expression) }}
{%- endmacro %}

{% macro duckdb__hive_timestamp(expression) -%}
    cast({{ expression }} as timestamp)
{%- endmacro %}

{% macro default__hive_timestamp(expression) -%}
    {{ exceptions.raise_compiler_error('hive_timestamp: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
