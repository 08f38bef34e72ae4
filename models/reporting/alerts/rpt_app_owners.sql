{#- Who owns an app, for an alert about it: the team and cost center that spent most on the app
    over the last 31 days of data, up to the last usage_date (an app tagged with two teams goes to the
    bigger).
    `bedrock-costs notify` routes an app's alerts by them (seeds/alert_routes.csv). -#}

with

daily_app_cost as (
    select * from {{ bedrock_costs.view_ref('fct_daily_app_cost') }}
),

last_day as (
    select max(usage_date) as last_usage_date from daily_app_cost
),

app_cost as (
    -- a view over the marts alone (it reads no intermediate model), so a copied database still opens
    select daily_app_cost.*
    from daily_app_cost
    cross join last_day
    where daily_app_cost.usage_date > last_day.last_usage_date - interval '31' day
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
