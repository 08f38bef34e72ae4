{#- One row per day, for MetricFlow (metric_time, cumulative metrics, filling empty days).
    Plain values + cross joins + dbt.dateadd compile on DuckDB and Athena, and unlike
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

final as (
    select days.date_day
    from days
    where days.date_day < date '2036-01-01'
)

select * from final
