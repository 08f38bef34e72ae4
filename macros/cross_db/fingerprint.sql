{#- A 64-bit hash of a string: a narrow key to find the few repeated request ids among millions
    without hashing the strings themselves into a table (a collision only adds a candidate, which
    the exact comparison that follows sorts out). -#}
{% macro fingerprint(expression) -%}
    {{ return(adapter.dispatch('fingerprint', 'bedrock_costs')(expression)) }}
{%- endmacro %}

{% macro athena__fingerprint(expression) -%}
    from_big_endian_64(xxhash64(to_utf8({{ expression }})))
{%- endmacro %}

{% macro trino__fingerprint(expression) -%}
    {{ bedrock_costs.athena__fingerprint(expression) }}
{%- endmacro %}

{% macro duckdb__fingerprint(expression) -%}
    hash({{ expression }})
{%- endmacro %}

{% macro default__fingerprint(expression) -%}
    {{ exceptions.raise_compiler_error('fingerprint: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
