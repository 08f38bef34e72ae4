{#- The Levenshtein distance between two strings (how many single-character edits apart they are),
    to name the catalog ids closest to an unknown model id. -#}
{% macro edit_distance(left, right) -%}
    {{ return(adapter.dispatch('edit_distance', 'bedrock_costs')(left, right)) }}
{%- endmacro %}

{% macro athena__edit_distance(left, right) -%}
    levenshtein_distance({{ left }}, {{ right }})
{%- endmacro %}

{% macro trino__edit_distance(left, right) -%}
    {{ bedrock_costs.athena__edit_distance(left, right) }}
{%- endmacro %}

{% macro duckdb__edit_distance(left, right) -%}
    levenshtein({{ left }}, {{ right }})
{%- endmacro %}

{% macro default__edit_distance(left, right) -%}
    {{ exceptions.raise_compiler_error('edit_distance: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
