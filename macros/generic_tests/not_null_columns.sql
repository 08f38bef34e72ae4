{#- The not-null columns of a model in one test, one scan: fails for every row where any of
    `column_names` is NULL, with a message naming the model, the NULL columns and the row's key (the
    columns of the model's unique_combination or unique test, when it has one). One node where a
    not_null test per column would cost dbt's fixed ~0.1 s each. -#}
{% test not_null_columns(model, column_names) %}
{%- set tested = bedrock_costs.tested_node() %}
{%- set key_columns = bedrock_costs.tested_key_columns(tested) %}
select
    {% for column_name in key_columns -%}
    {{ column_name }},
    {% endfor -%}
    'NULL: {{ tested.name if tested else "" }} has NULL '
    || substr(
        {%- for column_name in column_names %}
        case when {{ column_name }} is null then ', {{ column_name }}' else '' end{{ ' ||' if not loop.last }}
        {%- endfor %}, 3)
    {%- if key_columns %}
    || ' at '
    {%- for column_name in key_columns %}
    || '{{ ", " if not loop.first }}{{ column_name }}=' || coalesce(cast({{ column_name }} as varchar), 'NULL')
    {%- endfor %}
    {%- endif %} as message
from {{ model }}
where
    {% for column_name in column_names -%}
    {{ column_name }} is null{{ ' or' if not loop.last }}
    {% endfor %}
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


{#- A node's key, for a message that finds a row: the combination of its unique_combination test,
    else the column of its unique test; [] when it has neither. -#}
{% macro tested_key_columns(tested) %}
    {%- if tested is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set keys = namespace(columns=[]) -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'test' and node.attached_node == tested.unique_id and node.test_metadata -%}
        {%- set kwargs = node.test_metadata.kwargs -%}
        {%- if node.test_metadata.name == 'unique_combination' -%}
            {%- set keys.columns = kwargs.combination -%}
        {%- elif node.test_metadata.name == 'unique' and not keys.columns -%}
            {%- set keys.columns = [kwargs.column_name] -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(keys.columns) }}
{% endmacro %}
