{#- The budgets' first step: each app's priced spend per day and its month to date, from the first
    budget month's trailing window to the as-of date (int_finops_calendar). -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

hourly_usage as (
    select hourly_usage.*
    from {{ ref('int_hourly_usage') }} as hourly_usage
    inner join calendar
        on hourly_usage.usage_date between calendar.budget_spend_start_date and calendar.as_of_date
),

daily as (
    select
        hourly_usage.app,
        hourly_usage.usage_date,
        coalesce(sum(hourly_usage.priced_cost_usd), 0) as cost_usd,
        sum(hourly_usage.unpriced_request_count) as unpriced_request_count
    from hourly_usage
    group by hourly_usage.app, hourly_usage.usage_date
),

final as (
    select
        daily.*,
        sum(daily.cost_usd) over (
            partition by daily.app, date_trunc('month', daily.usage_date)
            order by daily.usage_date
            rows between unbounded preceding and current row
        ) as month_to_date_cost_usd
    from daily
)

select * from final
