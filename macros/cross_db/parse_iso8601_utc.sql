{#- An ISO-8601 string ('2026-11-01T23:59:58.123Z', '...+02:00') as a UTC timestamp without
    time zone, or NULL when it does not parse. A time without an offset is UTC (Bedrock writes
    UTC), whatever the session's or the machine's time zone. Athena keeps microseconds: Iceberg
    requires them. -#}
{% macro parse_iso8601_utc(expression) -%}
    {{ return(adapter.dispatch('parse_iso8601_utc', 'bedrock_costs')(expression)) }}
{%- endmacro %}

{% macro athena__parse_iso8601_utc(expression) -%}
    case
        when regexp_like({{ expression }}, ':[0-9]{2}([.,][0-9]+)?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then cast(try(from_iso8601_timestamp({{ expression }})) at time zone 'UTC' as timestamp(6))
        else cast(try(from_iso8601_timestamp({{ expression }} || 'Z')) at time zone 'UTC' as timestamp(6))
    end
{%- endmacro %}

{% macro trino__parse_iso8601_utc(expression) -%}
    {{ bedrock_costs.athena__parse_iso8601_utc(expression) }}
{%- endmacro %}

{% macro duckdb__parse_iso8601_utc(expression) -%}
    case
        when regexp_matches({{ expression }}, ':[0-9]{2}([.,][0-9]+)?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$')
            then cast(timezone('UTC', try_cast({{ expression }} as timestamptz)) as timestamp)
        else try_cast({{ expression }} as timestamp)
    end
{%- endmacro %}

{% macro default__parse_iso8601_utc(expression) -%}
    {{ exceptions.raise_compiler_error('parse_iso8601_utc: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
