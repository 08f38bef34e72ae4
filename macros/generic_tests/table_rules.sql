{#- A model's (or seed's) plain rules in one test, one node: each argument is optional.
      grain:           [columns] no two rows share these values (NULLs compare equal)
      unique:          [column, ...] each column holds no value twice (NULLs ignored, as dbt's unique)
      not_null:        [columns] no NULL in any of them
      not_negative:    [columns] no value below zero (NULL passes)
      accepted_values: {column: [values]} no value outside the list (NULL passes, as dbt's accepted_values)
    A failing row is one broken rule on one row (or one duplicated key), with the rule's name and a
    message naming the model, the column(s) and the row (its grain, else its unique column): e.g.
    `NULL: fct_daily_app_cost has NULL team at usage_date=2026-11-01, app=...`.
    One node where a test per rule and column would cost dbt's fixed per-node time each (about 0.05 s
    on DuckDB, a query's round trips on Trino, a query's start on Athena). A rule with a config of its
    own (a name, a severity, a `where` of its own) stays a test of its own. -#}
{% test table_rules(model, grain=[], unique=[], not_null=[], not_negative=[], accepted_values={}) %}
{%- set tested = bedrock_costs.tested_node() %}
{%- set name = tested.name if tested else 'the model' %}
{%- set key_columns = grain or unique[:1] %}
{%- set at = (" || ' at ' || " ~ bedrock_costs.row_key_text(key_columns)) if key_columns else '' %}
{%- set checks = [] %}
{%- if not_null %}
    {%- set check -%}
select
    'not_null' as rule,
    'NULL: {{ name }} has NULL '
    || substr(
        {%- for column_name in not_null %}
        case when {{ column_name }} is null then ', {{ column_name }}' else '' end{{ ' ||' if not loop.last }}
        {%- endfor %}, 3){{ at }} as message
from {{ model }}
where
    {% for column_name in not_null -%}
    {{ column_name }} is null{{ ' or' if not loop.last }}
    {% endfor %}
    {%- endset %}
    {%- do checks.append(check) %}
{%- endif %}
{%- for column_name in not_negative %}
    {%- set check -%}
select
    'not_negative' as rule,
    'NEGATIVE: {{ name }}.{{ column_name }} is ' || cast({{ column_name }} as varchar){{ at }} as message
from {{ model }}
where {{ column_name }} < 0
    {%- endset %}
    {%- do checks.append(check) %}
{%- endfor %}
{%- for column_name, values in accepted_values.items() %}
    {%- set check -%}
select
    'accepted_values' as rule,
    'NOT ACCEPTED: {{ name }}.{{ column_name }} is ' || cast({{ column_name }} as varchar)
    || ' (accepted: {{ values | join(", ") | replace("'", "''") }})'{{ at }} as message
from {{ model }}
where {{ column_name }} not in ({% for value in values %}'{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor %})
    {%- endset %}
    {%- do checks.append(check) %}
{%- endfor %}
{%- for column_name in unique %}
    {%- set check -%}
select
    'unique' as rule,
    'DUPLICATE: {{ name }} has ' || cast(count(*) as varchar) || ' rows with {{ column_name }}='
    || cast({{ column_name }} as varchar) as message
from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1
    {%- endset %}
    {%- do checks.append(check) %}
{%- endfor %}
{%- if grain %}
    {%- set check -%}
select
    'grain' as rule,
    'DUPLICATE: {{ name }} has ' || cast(count(*) as varchar) || ' rows at '
    || {{ bedrock_costs.row_key_text(grain) }} as message
from {{ model }}
group by {{ grain | join(', ') }}
having count(*) > 1
    {%- endset %}
    {%- do checks.append(check) %}
{%- endif %}
{%- if not checks %}
    {{ exceptions.raise_compiler_error("table_rules on " ~ name ~ " names no rule: give grain, unique, not_null, not_negative or accepted_values") }}
{%- endif %}
{#- each rule reads the model itself: a CTE read by several rules is materialized whole by DuckDB
    (every scoped row of the columns the rules read; at 10M calls a full refresh's log lines) -#}
{{ checks | join('\nunion all\n') }}
{% endtest %}


{#- The model, seed or source a generic test is attached to, from the graph (a test's own `model`
    argument is a relation or the `where` config's subquery, which names nothing): none at parse. -#}
{% macro tested_node() %}
    {#- here `model` is dbt's context variable: the test node being compiled -#}
    {%- set attached = model.get('attached_node') if model is mapping else none -%}
    {%- if not execute or not attached -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(graph.nodes.get(attached) or graph.sources.get(attached)) }}
{% endmacro %}


{#- SQL text naming a row by `columns`: `usage_date=2026-11-01, app=NULL` (a message's "at ..."). -#}
{% macro row_key_text(columns) -%}
    {%- for column_name in columns -%}
    '{{ ", " if not loop.first }}{{ column_name }}=' || coalesce(cast({{ column_name }} as varchar), 'NULL')
    {{- ' || ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
