-- depends_on: {{ ref('fct_daily_app_cost') }}

{#- Priced spend per entity (each app, each IAM caller) and hour, over the anomaly detection days
    and the baseline days before them. Hours without calls are not rows: a baseline is "when active". -#}
{%- set as_of = bedrock_costs.finops_as_of_date() %}
{%- set window_days = [bedrock_costs.finops_var('bedrock_costs_anomaly_detect_days'), 1] | max
    + [bedrock_costs.finops_var('bedrock_costs_anomaly_baseline_days'), 1] | max %}

with

hourly_usage as (
    select * from {{ ref('int_hourly_usage') }}
    where
        usage_date >= cast({{ dbt.dateadd('day', 1 - window_days, as_of) }} as date)
        and usage_date <= {{ as_of }}
),

app_hours as (
    select
        cast('app' as varchar) as dimension,
        app as entity_key,
        app as entity_name,
        hour_start_at,
        usage_date,
        cast(sum(request_count) as bigint) as request_count,
        coalesce(sum(priced_cost_usd), 0) as cost_usd
    from hourly_usage
    group by app, hour_start_at, usage_date
),

caller_hours as (
    select
        cast('caller' as varchar) as dimension,
        coalesce(caller_arn, 'unknown') as entity_key,
        max(coalesce(caller_name, caller_arn, 'unknown')) as entity_name,
        hour_start_at,
        usage_date,
        cast(sum(request_count) as bigint) as request_count,
        coalesce(sum(priced_cost_usd), 0) as cost_usd
    from hourly_usage
    group by coalesce(caller_arn, 'unknown'), hour_start_at, usage_date
),

final as (
    select * from app_hours
    union all
    select * from caller_hours
)

select * from final
