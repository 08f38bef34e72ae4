{#- Which app ran a loop last night? The anomalies of the detection days up to the as-of date, one
    step per detector (int_anomalies_*), worded by int_anomalies_worded. -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

described as (
    select * from {{ ref('int_anomalies_worded') }}
),

final as (
    select
        described.anomaly_type,
        described.dimension,
        described.entity_key,
        described.entity_name,
        described.model_id,
        {{ bedrock_costs.hive_timestamp('described.started_at') }} as started_at,
        {{ bedrock_costs.hive_timestamp('described.ended_at') }} as ended_at,
        described.hour_count,
        described.request_count,
        described.cost_usd,
        described.expected_cost_usd,
        described.cost_usd / nullif(described.expected_cost_usd, 0) as spend_ratio,
        described.baseline_hourly_usd,
        described.baseline_mad_usd,
        described.baseline_hour_count,
        described.peak_hourly_cost_usd,
        described.max_robust_z,
        described.description,
        calendar.anomaly_detect_start_date as window_start_date,
        calendar.as_of_date as window_end_date,
        cast(described.started_at as date) as usage_date
    from described
    cross join calendar
)

select * from final
