{#- Each app's spend per month kept: month to date, its unpriced calls, the trailing 7 days, and the
    first day month-to-date spend reached the budget. -#}
-- depends_on: {{ ref('fct_daily_app_cost') }}
{%- set as_of = bedrock_costs.finops_as_of_date() %}
{%- set months = [bedrock_costs.finops_var('bedrock_costs_budget_months'), 1] | max %}
{%- set first_month = 'cast(' ~ dbt.dateadd('month', 1 - months, dbt.date_trunc('month', as_of)) ~ ' as date)' %}

with

app_daily as (
    select * from {{ ref('int_app_daily_spend') }}
),

periods as (
    select * from {{ ref('int_budget_months') }}
),

app_budgets as (
    select * from {{ ref('app_budgets') }}
),

budgets as (
    select
        app_budgets.app,
        cast(app_budgets.monthly_usd as double) as monthly_budget_usd,
        cast(app_budgets.alert_thresholds_pct as varchar) as alert_thresholds_pct
    from app_budgets
),

apps as (
    select budgets.app from budgets
    union
    select app_daily.app from app_daily
    where app_daily.usage_date >= {{ first_month }}
),

app_periods as (
    select
        apps.app,
        periods.*
    from apps
    cross join periods
),

spend as (
    select
        app_periods.app,
        app_periods.month_start_date,
        coalesce(sum(
            case when app_daily.usage_date >= app_periods.month_start_date then app_daily.cost_usd end
        ), 0) as mtd_cost_usd,
        coalesce(sum(
            case when app_daily.usage_date >= app_periods.month_start_date then app_daily.unpriced_request_count end
        ), 0) as unpriced_request_count,
        coalesce(sum(
            case when app_daily.usage_date >= app_periods.trailing_start_date then app_daily.cost_usd end
        ), 0) as trailing_7d_cost_usd
    from app_periods
    left join app_daily
        on app_periods.app = app_daily.app
        and app_periods.through_date >= app_daily.usage_date
        and (
            app_periods.month_start_date <= app_daily.usage_date
            or app_periods.trailing_start_date <= app_daily.usage_date
        )
    group by app_periods.app, app_periods.month_start_date
),

cumulative as (
    select
        app_periods.app,
        app_periods.month_start_date,
        app_daily.usage_date,
        sum(app_daily.cost_usd) over (
            partition by app_periods.app, app_periods.month_start_date
            order by app_daily.usage_date
            rows between unbounded preceding and current row
        ) as cumulative_cost_usd
    from app_periods
    inner join app_daily
        on app_periods.app = app_daily.app
        and app_periods.month_start_date <= app_daily.usage_date
        and app_periods.through_date >= app_daily.usage_date
),

exceeded as (
    -- the first day month-to-date spend reached the budget
    select
        cumulative.app,
        cumulative.month_start_date,
        min(cumulative.usage_date) as budget_exceeded_date
    from cumulative
    inner join budgets
        on cumulative.app = budgets.app
    where cumulative.cumulative_cost_usd >= budgets.monthly_budget_usd
    group by cumulative.app, cumulative.month_start_date
),

final as (
    select
        app_periods.app,
        app_periods.month_start_date,
        app_periods.month_end_date,
        app_periods.through_date,
        app_periods.days_in_month,
        app_periods.days_elapsed,
        app_periods.days_observed,
        app_periods.days_remaining,
        app_periods.trailing_start_date,
        app_periods.trailing_days_observed,
        spend.mtd_cost_usd,
        spend.unpriced_request_count,
        spend.trailing_7d_cost_usd,
        exceeded.budget_exceeded_date
    from app_periods
    inner join spend
        on app_periods.app = spend.app
        and app_periods.month_start_date = spend.month_start_date
    left join exceeded
        on app_periods.app = exceeded.app
        and app_periods.month_start_date = exceeded.month_start_date
)

select * from final
