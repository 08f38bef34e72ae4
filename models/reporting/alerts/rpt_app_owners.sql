{#- Who owns an app, for an alert about it: the team and cost center that spent most on the app
    over the 31 days up to the FinOps as-of date (an app tagged with two teams goes to the bigger).
    `bedrock-costs notify` routes an app's alerts by them (seeds/alert_routes.csv). -#}

with

finops_calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

app_cost as (
    select daily.*
    from {{ bedrock_costs.view_ref('fct_daily_app_cost') }} as daily
    cross join finops_calendar
    where
        daily.usage_date > finops_calendar.as_of_date - interval '31' day
        and daily.usage_date <= finops_calendar.as_of_date
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
