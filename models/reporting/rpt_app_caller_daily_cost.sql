{#- Cost per UTC day, IAM caller and app: the apps each caller's spend went to, and the callers
    behind the app `unattributed` (direct, or through a profile missing from profile_map.csv, whose
    model is unknown). -#}

with

app_caller_cost as (
    select * from {{ bedrock_costs.view_ref('fct_daily_app_caller_cost') }}
),

final as (
    select
        usage_date,
        caller_arn,
        app,
        max(caller_name) as caller_name,
        sum(request_count) as request_count,
        sum(unpriced_request_count) as unpriced_request_count,
        coalesce(sum(cost_usd), 0) as cost_usd,
        coalesce(sum(case when model_id is null then cost_usd end), 0) as unmapped_profile_cost_usd,
        coalesce(sum(case when model_id is not null then cost_usd end), 0) as direct_cost_usd
    from app_caller_cost
    group by usage_date, caller_arn, app
)

select * from final
