{#- The capture group `group` of the first match of `pattern`, or NULL when nothing matches
    (DuckDB returns '' where Trino returns NULL, so DuckDB maps '' back to NULL). -#}
{% macro regex_extract(expression, pattern, group=1) -%}
    {{ return(adapter.dispatch('regex_extract', 'bedrock_costs')(expression, pattern, group)) }}
{%- endmacro %}

{% macro athena__regex_extract(expression, pattern, group) -%}
    regexp_extract({{ expression }}, '{{ pattern }}', {{ group }})
{%- endmacro %}

{% macro trino__regex_extract(expression, pattern, group) -%}
    {{ bedrock_costs.athena__regex_extract(expression, pattern, group) }}
{%- endmacro %}

{% macro duckdb__regex_extract(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{% macro default__regex_extract(expression, pattern, group) -%}
    {{ exceptions.raise_compiler_error('regex_extract: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
