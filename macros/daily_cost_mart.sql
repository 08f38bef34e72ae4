{#- The body of a daily cost mart: priced invocations of the incremental window, grouped by
    `dimensions` and the day, with the shared measures (macros/cost_measures.sql).
    `dimensions` is a list of column names, or of {'name': ..., 'expression': ...} for a derived one.
    The window is the last built day - lookback - 1 (the extra day covers records that spilled into
    the next day's folder); a full refresh takes every day.
    usage_date comes last: Athena's insert_overwrite needs the partition column at the end. -#}
{% macro daily_cost_mart(dimensions, source_model='int_invocations_priced') %}
    {%- set since_date = bedrock_costs.incremental_cutoff_date(extra_days=1) %}
    {%- set columns = [] %}
    {%- for dimension in dimensions %}
        {%- if dimension is mapping %}
            {%- do columns.append(dimension) %}
        {%- else %}
            {%- do columns.append({'name': dimension, 'expression': 'invocations.' ~ dimension}) %}
        {%- endif %}
    {%- endfor %}

with

invocations as (
    select * from {{ ref(source_model) }}
    {%- if since_date %}
    where usage_date >= date '{{ since_date }}'
    {%- endif %}
),

daily as (
    select
        {%- for column in columns %}
        {{ column.expression }} as {{ column.name }},
        {%- endfor %}
        {{ bedrock_costs.cost_measures('invocations') }},
        invocations.usage_date
    from invocations
    group by
        {%- for column in columns %}
        {{ column.expression }},
        {%- endfor %}
        invocations.usage_date
),

final as (
    select
        {%- for column in columns %}
        {{ column.name }},
        {%- endfor %}
        {{ bedrock_costs.cost_measure_columns() }},
        usage_date
    from daily
)

select * from final
{%- endmacro %}
