{#- The budgets' calendar: each month kept, counted to its end (a past month) or to the as-of date,
    from the first day the data covers, with the trailing-7-day window at its end and how many of
    those days the data covers. -#}
-- depends_on: {{ ref('fct_daily_app_cost') }}
{%- set as_of = bedrock_costs.finops_as_of_date() %}
{%- set months = [bedrock_costs.finops_var('bedrock_costs_budget_months'), 1] | max %}
{%- set first_month = 'cast(' ~ dbt.dateadd('month', 1 - months, dbt.date_trunc('month', as_of)) ~ ' as date)' %}

with

app_daily as (
    select * from {{ ref('int_app_daily_spend') }}
),

data_start as (
    select min(app_daily.usage_date) as first_usage_date
    from app_daily
),

months as (
    select distinct cast({{ dbt.date_trunc('month', 'app_daily.usage_date') }} as date) as month_start_date
    from app_daily
    where app_daily.usage_date >= {{ first_month }}
),

month_ends as (
    select
        months.month_start_date,
        cast({{ dbt.last_day('months.month_start_date', 'month') }} as date) as month_end_date
    from months
),

month_bounds as (
    -- a past month is counted to its end, the as-of month to the as-of date
    select
        month_ends.month_start_date,
        month_ends.month_end_date,
        case
            when month_ends.month_end_date < {{ as_of }} then month_ends.month_end_date
            else {{ as_of }}
        end as through_date,
        case
            when data_start.first_usage_date > month_ends.month_start_date then data_start.first_usage_date
            else month_ends.month_start_date
        end as observed_from_date
    from month_ends
    cross join data_start
),

trailing_offsets as (
    {%- for day_offset in range(7) %}
        select {{ day_offset }} as day_offset{{ ' union all' if not loop.last }}
    {%- endfor %}
),

trailing_days as (
    select
        month_bounds.month_start_date,
        cast({{ dbt.dateadd('day', '-trailing_offsets.day_offset', 'month_bounds.through_date') }} as date) as trailing_date
    from month_bounds
    cross join trailing_offsets
),

trailing_coverage as (
    -- the days of the trailing window the data covers (fewer than 7 right after it starts)
    select
        trailing_days.month_start_date,
        count(*) as trailing_days_observed
    from trailing_days
    cross join data_start
    where trailing_days.trailing_date >= data_start.first_usage_date
    group by trailing_days.month_start_date
),

periods as (
    select
        month_bounds.month_start_date,
        month_bounds.month_end_date,
        month_bounds.through_date,
        day(month_bounds.month_end_date) as days_in_month,
        day(month_bounds.through_date) as days_elapsed,
        day(month_bounds.through_date) - day(month_bounds.observed_from_date) + 1 as days_observed,
        day(month_bounds.month_end_date) - day(month_bounds.through_date) as days_remaining,
        cast({{ dbt.dateadd('day', -6, 'month_bounds.through_date') }} as date) as trailing_start_date,
        coalesce(trailing_coverage.trailing_days_observed, 0) as trailing_days_observed
    from month_bounds
    left join trailing_coverage
        on month_bounds.month_start_date = trailing_coverage.month_start_date
)

select * from periods
