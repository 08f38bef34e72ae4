{#- The body of a daily cost mart: the hourly usage of the incremental window (int_hourly_usage),
    grouped by `dimensions` and the day, with the shared measures (macros/cost_measures.sql).
    `dimensions` is a list of column names, or of {'name': ..., 'expression': ...} for a derived one.
    `attribution` picks what app, team, cost_center and environment mean: 'profile_tags' (the
    profile's tags alone, int_invocations_priced) or 'request_metadata' (with the metadata
    precedence, int_invocations_attributed).
    The window is the last built day - lookback - 1 (the extra day covers records that spilled into
    the next day's folder), plus any older day that int_hourly_usage re-summed in its newest load
    (a late re-delivery of an old call); a full refresh takes every day.
    usage_date comes last: Athena's insert_overwrite needs the partition column at the end. -#}
{% macro daily_cost_mart(dimensions, attribution='profile_tags') %}
    {%- set since_date = bedrock_costs.incremental_cutoff_date(extra_days=1) %}
    {%- set older_dates = bedrock_costs.latest_load_dates(ref('int_hourly_usage'), since_date) %}
    {%- set tag_columns = {'app': 'tag_app', 'team': 'tag_team', 'cost_center': 'tag_cost_center',
                           'environment': 'tag_environment'} if attribution == 'profile_tags' else {} %}
    {%- set columns = [] %}
    {%- for dimension in dimensions %}
        {%- if dimension is mapping %}
            {%- do columns.append(dimension) %}
        {%- else %}
            {%- do columns.append({'name': dimension, 'expression': 'hourly_usage.' ~ tag_columns.get(dimension, dimension)}) %}
        {%- endif %}
    {%- endfor %}

with

hourly_usage as (
    select * from {{ ref('int_hourly_usage') }}
    {%- if since_date %}
    where
        usage_date >= date '{{ since_date }}'
        {%- for older_date in older_dates %}
        or usage_date = date '{{ older_date }}'
        {%- endfor %}
    {%- endif %}
),

daily as (
    select
        {%- for column in columns %}
        {{ column.expression }} as {{ column.name }},
        {%- endfor %}
        {{ bedrock_costs.rolled_up_cost_measures('hourly_usage') }},
        hourly_usage.usage_date
    from hourly_usage
    group by
        {%- for column in columns %}
        {{ column.expression }},
        {%- endfor %}
        hourly_usage.usage_date
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
