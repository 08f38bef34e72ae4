{#- A CUR 2.0 timestamp as the UTC wall time, a timestamp without time zone, whatever the session's or
    the machine's time zone. Data Exports writes its Parquet timestamps UTC-adjusted, which DuckDB reads
    as TIMESTAMP WITH TIME ZONE: cast to a date or a plain timestamp, such a value takes the session's
    zone (a profile without `TimeZone: UTC`, TZ=America/Los_Angeles: 2026-11-01 00:00 UTC becomes
    2026-10-31). DuckDB takes the instant's microseconds since the epoch, which both forms give in UTC.
    Athena and Trino declare the CUR table's columns `timestamp` (create_cur_table): already the UTC
    wall time, with no zone to convert. -#}
{% macro utc_timestamp(expression) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'bedrock_costs')(expression)) }}
{%- endmacro %}

{% macro athena__utc_timestamp(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro trino__utc_timestamp(expression) -%}
    {{ bedrock_costs.athena__utc_timestamp(expression) }}
{%- endmacro %}

{% macro duckdb__utc_timestamp(expression) -%}
    make_timestamp(epoch_us({{ expression }}))
{%- endmacro %}

{% macro default__utc_timestamp(expression) -%}
    {{ exceptions.raise_compiler_error('utc_timestamp: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
