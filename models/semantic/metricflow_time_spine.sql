{#- One row per day, for MetricFlow (metric_time, cumulative metrics, filling empty days), up to the
    marts' last usage day: a cumulative metric (month_to_date_cost_usd) runs over the spine, and
    without that end it repeated the month's total on every day still to come.
    Plain values + cross joins + dbt.dateadd compile on DuckDB, Trino and Athena, and unlike
    dbt.date_spine they need no warehouse query at compile time (make compile-athena is offline). -#}
{{ config(materialized='table') }}

with

digits as (
    select digits.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digits (digit)
),

day_numbers as (
    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as day_number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
),

days as (
    -- Bedrock went GA in 2023; 2023-01-01 + 9,999 days reaches 2050, cut at the end of 2035
    select cast({{ dbt.dateadd('day', 'day_numbers.day_number', "date '2023-01-01'") }} as date) as date_day
    from day_numbers
),

usage_days as (
    select max(usage_date) as last_usage_date
    from {{ ref('fct_daily_app_caller_cost') }}
),

final as (
    -- empty marts: the whole spine
    select days.date_day
    from days
    cross join usage_days
    where
        days.date_day < date '2036-01-01'
        and (usage_days.last_usage_date is null or days.date_day <= usage_days.last_usage_date)
)

select * from final
