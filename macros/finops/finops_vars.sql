{#- The FinOps settings are vars, declared once with their defaults and meaning in dbt_project.yml.
    These macros read one and check it, so a bad value stops the compilation with its name. -#}

{#- A number >= 0, such as bedrock_costs_anomaly_min_ratio. -#}
{% macro finops_number(name) %}
    {%- set value = var(name) -%}
    {%- set number = value | float(-1) -%}
    {%- if value is none or (value | string | trim) == '' or number < 0 -%}
        {{ exceptions.raise_compiler_error(name ~ ' must be a number >= 0, got ' ~ value) }}
    {%- endif -%}
    {{ return(number) }}
{% endmacro %}


{#- A date var as SQL: date 'YYYY-MM-DD', or a NULL date when the var is not set. -#}
{% macro finops_date(name) %}
    {%- set value = var(name) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        {{ return('cast(null as date)') }}
    {%- endif -%}
    {%- set text = (value | string | trim)[:10] -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ exceptions.raise_compiler_error(name ~ ' must be a date YYYY-MM-DD, got ' ~ value) }}
    {%- endif -%}
    {{ return("date '" ~ text ~ "'") }}
{% endmacro %}


{#- A list var of strings as SQL literals: ('a', 'b'), or (null) for an empty list (matches nothing). -#}
{% macro finops_sql_list(name) %}
    {%- set values = var(name) or [] -%}
    {%- set values = [values] if values is string else values -%}
    {%- if values | length == 0 -%}
        {{ return('(cast(null as varchar))') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ return('(' ~ quoted | join(', ') ~ ')') }}
{% endmacro %}
