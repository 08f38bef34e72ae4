{#- A message template filled in SQL: each {placeholder} of `template` (a SQL text expression)
    replaced by the text of its SQL expression in `values` (a dict), '' when that is NULL. -#}
{% macro fill_template(template, values) -%}
    {%- set filled = namespace(sql=template) -%}
    {%- for placeholder, expression in values.items() -%}
        {%- set filled.sql = 'replace(' ~ filled.sql ~ ", '{" ~ placeholder ~ "}', coalesce(" ~ expression ~ ", ''))" -%}
    {%- endfor -%}
    {{ return(filled.sql) }}
{%- endmacro %}
