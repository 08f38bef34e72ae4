{#- Daily calls per app, geo pool and the region (and geography: macros/geography.sql) that served them. -#}

with

hourly_usage as (
    select * from {{ ref('int_hourly_usage') }}
    {%- if bedrock_costs.incremental_run() %}
    -- the days int_hourly_usage summed since this mart's last build
    where summed_at > (select max(built.summed_at) from {{ this }} as built)
    {%- endif %}
),

located as (
    select
        *,
        coalesce(routing_prefix, 'in_region') as geo_pool,
        coalesce(inference_region, aws_region) as serving_region,
        {{ bedrock_costs.aws_geography('coalesce(inference_region, aws_region)') }} as serving_geography
    from hourly_usage
),

daily as (
    select
        app,
        team,
        aws_region,
        geo_pool,
        serving_region,
        serving_geography,
        {{ bedrock_costs.rolled_up_cost_measures() }},
        max(summed_at) as summed_at,
        usage_date
    from located
    group by app, team, aws_region, geo_pool, serving_region, serving_geography, usage_date
)

select * from daily
