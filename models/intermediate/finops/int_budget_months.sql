{#- The budgets' months: each month kept that holds data, counted to its last day (a past month) or
    to the as-of date, from the data's first day; with the trailing 7 days at its end and how many
    of them the data covers. -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

app_daily as (
    select * from {{ ref('int_app_daily_spend') }}
),

months as (
    select distinct
        cast(date_trunc('month', app_daily.usage_date) as date) as month_start_date,
        cast({{ dbt.last_day('app_daily.usage_date', 'month') }} as date) as month_end_date
    from app_daily
    cross join calendar
    where app_daily.usage_date >= calendar.budget_start_date
),

month_bounds as (
    -- a past month is counted to its end, the as-of month to the as-of date
    select
        months.*,
        least(months.month_end_date, calendar.as_of_date) as through_date,
        greatest(months.month_start_date, calendar.first_usage_date) as observed_from_date,
        calendar.first_usage_date,
        months.month_start_date = calendar.as_of_month_start_date as is_current_month
    from months
    cross join calendar
),

final as (
    select
        month_bounds.month_start_date,
        month_bounds.month_end_date,
        month_bounds.through_date,
        day(month_bounds.month_end_date) as days_in_month,
        day(month_bounds.through_date) as days_elapsed,
        day(month_bounds.through_date) - day(month_bounds.observed_from_date) + 1 as days_observed,
        day(month_bounds.month_end_date) - day(month_bounds.through_date) as days_remaining,
        cast(month_bounds.through_date - interval '6' day as date) as trailing_start_date,
        -- fewer than 7 right after the data starts
        least(greatest(date_diff('day', month_bounds.first_usage_date, month_bounds.through_date) + 1, 0), 7)
            as trailing_days_observed,
        month_bounds.is_current_month
    from month_bounds
)

select * from final
