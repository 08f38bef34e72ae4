{#- The budgets' first step: each app's priced spend per day over the months fct_app_budget_status
    keeps (bedrock_costs_budget_months up to the as-of date), and the 6 days before them (the first
    month's trailing-7-day window). -#}
-- depends_on: {{ ref('fct_daily_app_cost') }}
{%- set as_of = bedrock_costs.finops_as_of_date() %}
{%- set months = [bedrock_costs.finops_var('bedrock_costs_budget_months'), 1] | max %}
{%- set first_month = 'cast(' ~ dbt.dateadd('month', 1 - months, dbt.date_trunc('month', as_of)) ~ ' as date)' %}

with

daily_app_cost as (
    -- the months kept, and the 6 days before them (the first month's trailing-7-day window)
    select * from {{ ref('fct_daily_app_cost') }}
    where
        usage_date >= cast({{ dbt.dateadd('day', -6, first_month) }} as date)
        and usage_date <= {{ as_of }}
),

final as (
    select
        daily_app_cost.app,
        daily_app_cost.usage_date,
        coalesce(sum(daily_app_cost.cost_usd), 0) as cost_usd,
        sum(daily_app_cost.unpriced_request_count) as unpriced_request_count
    from daily_app_cost
    group by daily_app_cost.app, daily_app_cost.usage_date
)

select * from final
