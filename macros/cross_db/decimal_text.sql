{#- A number as text with exactly `digits` decimals, for the messages tests print: 3.20, not 3.2 (a
    double cast to varchar drops trailing zeros, so an amount read "$3.2" or "$0.0"). -#}
{% macro decimal_text(expression, digits=2) -%}
    {{ return(adapter.dispatch('decimal_text', 'bedrock_costs')(expression, digits)) }}
{%- endmacro %}

{% macro athena__decimal_text(expression, digits) -%}
    format('%.{{ digits | int }}f', {{ expression }})
{%- endmacro %}

{% macro trino__decimal_text(expression, digits) -%}
    {{ bedrock_costs.athena__decimal_text(expression, digits) }}
{%- endmacro %}

{% macro duckdb__decimal_text(expression, digits) -%}
    printf('%.{{ digits | int }}f', {{ expression }})
{%- endmacro %}

{% macro default__decimal_text(expression, digits) -%}
    {{ exceptions.raise_compiler_error('decimal_text: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
