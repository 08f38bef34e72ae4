{#- Anomaly detector: new expensive spenders. An IAM caller's first direct call (no application
    profile) to an expensive model, when it falls in the detection days and not on the data's first
    day (when every caller is new): one row per caller and model, over its hours from that day on. -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

first_used as (
    select * from {{ ref('int_caller_models_first_used') }}
),

list_prices as (
    select * from {{ ref('int_finops_list_prices') }}
),

direct_hours as (
    select hourly_usage.*
    from {{ ref('int_hourly_usage') }} as hourly_usage
    inner join calendar
        on hourly_usage.usage_date between calendar.anomaly_detect_start_date and calendar.as_of_date
    where hourly_usage.attribution_status = 'direct'
),

expensive_models as (
    select list_prices.model_id
    from list_prices
    group by list_prices.model_id
    having max(list_prices.input_usd_per_mtok) >= {{ bedrock_costs.finops_number('bedrock_costs_expensive_input_usd_per_mtok') }}
),

new_pairs as (
    select first_used.*
    from first_used
    inner join expensive_models
        on first_used.model_id = expensive_models.model_id
    inner join calendar
        on first_used.first_usage_date >= calendar.anomaly_detect_start_date
        and first_used.first_usage_date > calendar.first_usage_date
),

pair_hours as (
    select
        direct_hours.caller_arn,
        max(coalesce(direct_hours.caller_name, direct_hours.caller_arn)) as entity_name,
        direct_hours.model_id,
        direct_hours.hour_start_at,
        sum(direct_hours.request_count) as request_count,
        coalesce(sum(direct_hours.priced_cost_usd), 0) as cost_usd
    from direct_hours
    inner join new_pairs
        on direct_hours.caller_arn = new_pairs.caller_arn
        and direct_hours.model_id = new_pairs.model_id
    group by direct_hours.caller_arn, direct_hours.model_id, direct_hours.hour_start_at
),

final as (
    select
        cast('new_spender' as varchar) as anomaly_type,
        cast('new_spender' as varchar) as anomaly_kind,
        cast('caller' as varchar) as dimension,
        pair_hours.caller_arn as entity_key,
        max(pair_hours.entity_name) as entity_name,
        pair_hours.model_id,
        min(pair_hours.hour_start_at) as started_at,
        max(pair_hours.hour_start_at) + interval '1' hour as ended_at,
        count(*) as hour_count,
        cast(sum(pair_hours.request_count) as bigint) as request_count,
        sum(pair_hours.cost_usd) as cost_usd,
        cast(null as double) as expected_cost_usd,
        cast(null as double) as baseline_hourly_usd,
        cast(null as double) as baseline_mad_usd,
        cast(null as bigint) as baseline_hour_count,
        max(pair_hours.cost_usd) as peak_hourly_cost_usd,
        cast(null as double) as max_robust_z
    from pair_hours
    group by pair_hours.caller_arn, pair_hours.model_id
)

select * from final
