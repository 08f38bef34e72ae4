{#- Right-sizing's first step: each app's token mix per team, model, price scope, geography and Region
    over the FinOps window, and whether it is residency-pinned (never moved to global.): traffic
    processed in a pinned geography, every app with such traffic (not the 'unattributed'
    catch-all), and the pinned apps. Ephemeral: the pins (vars) are compiled into fct_model_whatif. -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

hourly_usage as (
    select hourly_usage.*
    from {{ ref('int_hourly_usage') }} as hourly_usage
    inner join calendar
        on hourly_usage.usage_date between calendar.window_start_date and calendar.as_of_date
    where hourly_usage.model_id is not null
),

token_mixes as (
    -- processed in the profile's pool, or in-region in the Region's geography
    select
        hourly_usage.app,
        hourly_usage.team,
        hourly_usage.model_id,
        hourly_usage.price_scope,
        {{ bedrock_costs.aws_geography('coalesce(hourly_usage.routing_prefix, hourly_usage.aws_region)') }} as geography,
        hourly_usage.aws_region,
        cast(sum(hourly_usage.request_count) as bigint) as request_count,
        sum(hourly_usage.input_tokens) as input_tokens,
        sum(hourly_usage.output_tokens) as output_tokens,
        sum(hourly_usage.cache_read_input_tokens) as cache_read_input_tokens,
        sum(hourly_usage.cache_write_input_tokens) as cache_write_input_tokens,
        {{ bedrock_costs.complete_sum('hourly_usage.cost_usd') }} as actual_cost_usd
    from hourly_usage
    group by 1, 2, 3, 4, 5, 6
),

pinned_by_traffic as (
    select distinct token_mixes.app
    from token_mixes
    where
        token_mixes.geography in {{ bedrock_costs.finops_sql_list('bedrock_costs_residency_pinned_geographies') }}
        and token_mixes.app <> 'unattributed'
),

final as (
    select
        token_mixes.*,
        coalesce(
            token_mixes.app in {{ bedrock_costs.finops_sql_list('bedrock_costs_residency_pinned_apps') }}
            or token_mixes.geography in {{ bedrock_costs.finops_sql_list('bedrock_costs_residency_pinned_geographies') }}
            or pinned_by_traffic.app is not null,
            false
        ) as residency_pinned
    from token_mixes
    left join pinned_by_traffic
        on token_mixes.app = pinned_by_traffic.app
)

select * from final
