{#- usage_date comes last: Athena's insert_overwrite needs the partition column at the end. -#}
{%- set since_date = bedrock_costs.incremental_cutoff_date(extra_days=1) %}

with

invocations as (
    select * from {{ ref('int_invocations_priced') }}
    {%- if since_date %}
    where usage_date >= date '{{ since_date }}'
    {%- endif %}
),

daily as (
    select
        invocations.app,
        invocations.team,
        invocations.aws_region,
        coalesce(invocations.routing_prefix, 'in_region') as geo_pool,
        coalesce(invocations.inference_region, invocations.aws_region) as serving_region,
        {{ bedrock_costs.cost_measures('invocations') }},
        invocations.usage_date
    from invocations
    group by
        invocations.app,
        invocations.team,
        invocations.aws_region,
        coalesce(invocations.routing_prefix, 'in_region'),
        coalesce(invocations.inference_region, invocations.aws_region),
        invocations.usage_date
),

final as (
    select
        app,
        team,
        aws_region,
        geo_pool,
        serving_region,
        {{ bedrock_costs.cost_measure_columns() }},
        usage_date
    from daily
)

select * from final
