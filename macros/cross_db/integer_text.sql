{#- A token count read as text (a JSON number or string) as a bigint, only when it is written as a
    whole number ('120', ' 120', '-3'); NULL for anything else ('1.5', '1e3', '0x10', 'abc', a number
    too large for a bigint), so a count is never rounded or guessed. -#}
{% macro integer_text(expression) -%}
    {{ return(adapter.dispatch('integer_text', 'bedrock_costs')(expression)) }}
{%- endmacro %}

{% macro athena__integer_text(expression) -%}
    case when regexp_like(trim({{ expression }}), '^-?[0-9]{1,18}$') then cast(trim({{ expression }}) as bigint) end
{%- endmacro %}

{% macro trino__integer_text(expression) -%}
    {{ bedrock_costs.athena__integer_text(expression) }}
{%- endmacro %}

{% macro duckdb__integer_text(expression) -%}
    case when regexp_full_match(trim({{ expression }}), '-?[0-9]{1,18}') then cast(trim({{ expression }}) as bigint) end
{%- endmacro %}

{% macro default__integer_text(expression) -%}
    {{ exceptions.raise_compiler_error('integer_text: no implementation for adapter ' ~ target.type) }}
{%- endmacro %}
