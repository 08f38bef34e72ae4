{#- The anomaly detection's second step: each entity's usual hourly spend before each detection day,
    the median and the median absolute deviation (MAD) of its active hours over the
    bedrock_costs_anomaly_baseline_days before it (int_finops_calendar). -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

entity_hours as (
    select * from {{ ref('int_hourly_entity_spend') }}
),

detection_days as (
    select distinct
        entity_hours.usage_date as detection_date,
        calendar.anomaly_baseline_days
    from entity_hours
    inner join calendar
        on entity_hours.usage_date >= calendar.anomaly_detect_start_date
),

baseline_hours as (
    select
        entity_hours.dimension,
        entity_hours.entity_key,
        detection_days.detection_date,
        entity_hours.cost_usd
    from entity_hours
    inner join detection_days
        on entity_hours.usage_date < detection_days.detection_date
        and entity_hours.usage_date
        >= cast({{ dbt.dateadd('day', '-detection_days.anomaly_baseline_days', 'detection_days.detection_date') }} as date)
),

medians as (
    {{ bedrock_costs.exact_median('baseline_hours', 'baseline_hours.cost_usd', ['dimension', 'entity_key', 'detection_date']) }}
),

deviations as (
    select
        baseline_hours.dimension,
        baseline_hours.entity_key,
        baseline_hours.detection_date,
        abs(baseline_hours.cost_usd - medians.median_value) as deviation_usd
    from baseline_hours
    inner join medians
        on baseline_hours.dimension = medians.dimension
        and baseline_hours.entity_key = medians.entity_key
        and baseline_hours.detection_date = medians.detection_date
),

mads as (
    {{ bedrock_costs.exact_median('deviations', 'deviations.deviation_usd', ['dimension', 'entity_key', 'detection_date']) }}
),

final as (
    select
        medians.dimension,
        medians.entity_key,
        medians.detection_date,
        medians.median_value as median_usd,
        mads.median_value as mad_usd,
        medians.value_count as baseline_hour_count
    from medians
    inner join mads
        on medians.dimension = mads.dimension
        and medians.entity_key = mads.entity_key
        and medians.detection_date = mads.detection_date
)

select * from final
