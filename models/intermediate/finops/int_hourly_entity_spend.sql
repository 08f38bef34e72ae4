{#- The anomaly detection's first step: priced spend per entity (each app, each IAM caller) and hour,
    over the detection days and the baseline days before them (int_finops_calendar). Hours without
    calls are not rows: a baseline is "when active". -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

hourly_usage as (
    select hourly_usage.*
    from {{ ref('int_hourly_usage') }} as hourly_usage
    inner join calendar
        on hourly_usage.usage_date between calendar.anomaly_baseline_start_date and calendar.as_of_date
),

app_hours as (
    select
        cast('app' as varchar) as dimension,
        hourly_usage.app as entity_key,
        hourly_usage.app as entity_name,
        hourly_usage.hour_start_at,
        hourly_usage.usage_date,
        cast(sum(hourly_usage.request_count) as bigint) as request_count,
        coalesce(sum(hourly_usage.priced_cost_usd), 0) as cost_usd
    from hourly_usage
    group by hourly_usage.app, hourly_usage.hour_start_at, hourly_usage.usage_date
),

caller_hours as (
    select
        cast('caller' as varchar) as dimension,
        coalesce(hourly_usage.caller_arn, 'unknown') as entity_key,
        max(coalesce(hourly_usage.caller_name, hourly_usage.caller_arn, 'unknown')) as entity_name,
        hourly_usage.hour_start_at,
        hourly_usage.usage_date,
        cast(sum(hourly_usage.request_count) as bigint) as request_count,
        coalesce(sum(hourly_usage.priced_cost_usd), 0) as cost_usd
    from hourly_usage
    group by coalesce(hourly_usage.caller_arn, 'unknown'), hourly_usage.hour_start_at, hourly_usage.usage_date
),

final as (
    select * from app_hours
    union all
    select * from caller_hours
)

select * from final
