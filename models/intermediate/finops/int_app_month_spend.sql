{#- Each app (with a budget, or with spend) and month kept (int_budget_months): its spend to date and
    unpriced calls, its trailing 7 days' spend, and the first day its spend to date reached the budget. -#}

with

app_daily as (
    select * from {{ ref('int_app_daily_spend') }}
),

months as (
    select * from {{ ref('int_budget_months') }}
),

budgets as (
    select * from {{ ref('stg_seeds__app_budgets') }}
),

apps as (
    select budgets.app from budgets
    union
    select app_daily.app
    from app_daily
    inner join months
        on app_daily.usage_date between months.month_start_date and months.through_date
),

app_months as (
    select
        apps.app,
        months.*
    from apps
    cross join months
),

spend as (
    -- each app's days of the month to date and of its trailing 7 days
    select
        app_months.app,
        app_months.month_start_date,
        sum(case when app_daily.usage_date >= app_months.month_start_date then app_daily.cost_usd end) as mtd_cost_usd,
        sum(case when app_daily.usage_date >= app_months.month_start_date then app_daily.unpriced_request_count end)
            as unpriced_request_count,
        sum(case when app_daily.usage_date >= app_months.trailing_start_date then app_daily.cost_usd end)
            as trailing_7d_cost_usd,
        min(
            case
                when app_daily.usage_date >= app_months.month_start_date
                    and app_daily.month_to_date_cost_usd >= budgets.monthly_budget_usd
                    then app_daily.usage_date
            end
        ) as budget_exceeded_date
    from app_months
    inner join app_daily
        on app_months.app = app_daily.app
        and app_months.through_date >= app_daily.usage_date
        and least(app_months.month_start_date, app_months.trailing_start_date) <= app_daily.usage_date
    left join budgets
        on app_months.app = budgets.app
    group by app_months.app, app_months.month_start_date
),

final as (
    select
        app_months.*,
        coalesce(spend.mtd_cost_usd, 0) as mtd_cost_usd,
        coalesce(spend.unpriced_request_count, 0) as unpriced_request_count,
        coalesce(spend.trailing_7d_cost_usd, 0) as trailing_7d_cost_usd,
        spend.budget_exceeded_date
    from app_months
    left join spend
        on app_months.app = spend.app
        and app_months.month_start_date = spend.month_start_date
)

select * from final  -- noqa: AM04
