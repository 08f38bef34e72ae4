-- depends_on: {{ ref('fct_daily_app_cost') }}
{#- Who owns an app, for an alert about it: the team and cost center that spent most on the app
    over the 31 days up to the FinOps as-of date (an app tagged with two teams goes to the bigger).
    `bedrock-costs notify` routes an app's alerts by them (seeds/alert_routes.csv). -#}
{%- set as_of = bedrock_costs.finops_as_of_date() %}

with

app_cost as (
    select * from {{ bedrock_costs.view_ref('fct_daily_app_cost') }}
    where
        usage_date > cast({{ dbt.dateadd('day', -31, as_of) }} as date)
        and usage_date <= {{ as_of }}
),

owner_spend as (
    select
        app,
        team,
        cost_center,
        sum(coalesce(cost_usd, 0)) as cost_usd,
        sum(request_count) as request_count,
        max(usage_date) as last_usage_date
    from app_cost
    group by app, team, cost_center
),

ranked as (
    select
        owner_spend.*,
        row_number() over (
            partition by owner_spend.app
            order by owner_spend.cost_usd desc, owner_spend.request_count desc, owner_spend.team asc, owner_spend.cost_center asc
        ) as owner_rank
    from owner_spend
),

final as (
    select
        app,
        team,
        cost_center,
        last_usage_date
    from ranked
    where owner_rank = 1
)

select * from final
