{#- A map(varchar, varchar) from parallel lists of SQL expressions, such as FOCUS's Tags. -#}
{% macro string_map(keys, values) -%}
    {{ return(adapter.dispatch('string_map', 'bedrock_costs')(keys, values)) }}
{%- endmacro %}

{% macro athena__string_map(keys, values) -%}
    map(array[{{ keys | join(', ') }}], array[{{ values | join(', ') }}])
{%- endmacro %}

{% macro trino__string_map(keys, values) -%}
    {{ bedrock_costs.athena__string_map(keys, values) }}
{%- endmacro %}

{% macro duckdb__string_map(keys, values) -%}
    map([{{ keys | join(', ') }}], [{{ values | join(', ') }}])
{%- endmacro %}

{% macro default__string_map(keys, values) -%}
    {{ exceptions.raise_compiler_error('string_map: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
