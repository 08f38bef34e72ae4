{#- Cost per UTC day, app, team, cost center and environment, and how the app was attributed: the
    report's daily chart, its app, team and cache sections, and the summary's first table. -#}

with

app_cost as (
    select * from {{ bedrock_costs.view_ref('fct_daily_app_cost') }}
),

final as (
    select
        usage_date,
        app,
        team,
        cost_center,
        environment,
        attribution_source,
        sum(request_count) as request_count,
        sum(unpriced_request_count) as unpriced_request_count,
        sum(cache_read_input_tokens) as cache_read_input_tokens,
        sum({{ bedrock_costs.total_input_tokens() }}) as total_input_tokens,
        sum({{ bedrock_costs.total_tokens() }}) as total_tokens,
        sum(cost_usd) as cost_usd
    from app_cost
    group by usage_date, app, team, cost_center, environment, attribution_source
)

select * from final
