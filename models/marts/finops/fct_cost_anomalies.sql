{{ config(materialized='table', partitioned_by=none) }}
-- depends_on: {{ ref('fct_daily_app_cost') }}
{%- set as_of = bedrock_costs.finops_as_of_date() %}
{%- set baseline_days = [bedrock_costs.finops_var('bedrock_costs_anomaly_baseline_days'), 1] | max %}
{%- set detect_days = [bedrock_costs.finops_var('bedrock_costs_anomaly_detect_days'), 1] | max %}
{%- set detect_start = 'cast(' ~ dbt.dateadd('day', 1 - detect_days, as_of) ~ ' as date)' %}
{%- set scan_start = 'cast(' ~ dbt.dateadd('day', 1 - detect_days - baseline_days, as_of) ~ ' as date)' %}

with

hourly_usage as (
    -- the detection days and the baseline days before them, nothing older
    select * from {{ ref('int_hourly_usage') }}
    where
        usage_date >= {{ scan_start }}
        and usage_date <= {{ as_of }}
),

daily_caller_cost as (
    select * from {{ ref('fct_daily_caller_cost') }}
    where usage_date <= {{ as_of }}
),

list_prices as (
    {{ bedrock_costs.finops_list_prices(as_of) }}
),

hourly_calls as (
    -- spend per hour and per the dimensions below (a small set that several steps read)
    select
        hourly_usage.app,
        coalesce(hourly_usage.caller_arn, 'unknown') as caller_key,
        hourly_usage.caller_arn,
        hourly_usage.caller_name,
        hourly_usage.model_id,
        hourly_usage.attribution_status,
        hourly_usage.hour_start_at,
        hourly_usage.usage_date,
        sum(hourly_usage.request_count) as request_count,
        sum(hourly_usage.priced_cost_usd) as cost_usd
    from hourly_usage
    group by
        hourly_usage.app,
        hourly_usage.caller_arn,
        hourly_usage.caller_name,
        hourly_usage.model_id,
        hourly_usage.attribution_status,
        hourly_usage.hour_start_at,
        hourly_usage.usage_date
),

hourly as (
    -- priced spend per entity and hour; hours without calls are not rows (the baseline is "when active")
    select
        cast('app' as varchar) as dimension,
        hourly_calls.app as entity_key,
        hourly_calls.app as entity_name,
        hourly_calls.hour_start_at,
        hourly_calls.usage_date,
        cast(sum(hourly_calls.request_count) as bigint) as request_count,
        coalesce(sum(hourly_calls.cost_usd), 0) as cost_usd
    from hourly_calls
    group by hourly_calls.app, hourly_calls.hour_start_at, hourly_calls.usage_date
    union all
    select
        cast('caller' as varchar) as dimension,
        hourly_calls.caller_key as entity_key,
        max(coalesce(hourly_calls.caller_name, hourly_calls.caller_key)) as entity_name,
        hourly_calls.hour_start_at,
        hourly_calls.usage_date,
        cast(sum(hourly_calls.request_count) as bigint) as request_count,
        coalesce(sum(hourly_calls.cost_usd), 0) as cost_usd
    from hourly_calls
    group by hourly_calls.caller_key, hourly_calls.hour_start_at, hourly_calls.usage_date
),

detection_days as (
    select distinct hourly.usage_date as detection_date
    from hourly
    where hourly.usage_date >= {{ detect_start }}
),

baseline_hours as (
    -- each detection day is compared with the entity's active hours in the days before it
    select
        hourly.dimension,
        hourly.entity_key,
        detection_days.detection_date,
        hourly.cost_usd,
        row_number() over (
            partition by hourly.dimension, hourly.entity_key, detection_days.detection_date
            order by hourly.cost_usd
        ) as cost_rank,
        count(*) over (
            partition by hourly.dimension, hourly.entity_key, detection_days.detection_date
        ) as hour_count
    from hourly
    inner join detection_days
        on hourly.usage_date < detection_days.detection_date
        and hourly.usage_date >= cast({{ dbt.dateadd('day', -baseline_days, 'detection_days.detection_date') }} as date)
),

baseline_medians as (
    -- exact median on both engines: the middle row, or the mean of the middle two
    select
        baseline_hours.dimension,
        baseline_hours.entity_key,
        baseline_hours.detection_date,
        avg(baseline_hours.cost_usd) as median_usd,
        max(baseline_hours.hour_count) as baseline_hour_count
    from baseline_hours
    where 2 * baseline_hours.cost_rank between baseline_hours.hour_count and baseline_hours.hour_count + 2
    group by baseline_hours.dimension, baseline_hours.entity_key, baseline_hours.detection_date
),

deviations as (
    select
        baseline_hours.dimension,
        baseline_hours.entity_key,
        baseline_hours.detection_date,
        baseline_hours.hour_count,
        abs(baseline_hours.cost_usd - baseline_medians.median_usd) as deviation_usd,
        row_number() over (
            partition by baseline_hours.dimension, baseline_hours.entity_key, baseline_hours.detection_date
            order by abs(baseline_hours.cost_usd - baseline_medians.median_usd)
        ) as deviation_rank
    from baseline_hours
    inner join baseline_medians
        on baseline_hours.dimension = baseline_medians.dimension
        and baseline_hours.entity_key = baseline_medians.entity_key
        and baseline_hours.detection_date = baseline_medians.detection_date
),

baseline_mads as (
    -- the median absolute deviation, by the same middle-row rule
    select
        deviations.dimension,
        deviations.entity_key,
        deviations.detection_date,
        avg(deviations.deviation_usd) as mad_usd
    from deviations
    where 2 * deviations.deviation_rank between deviations.hour_count and deviations.hour_count + 2
    group by deviations.dimension, deviations.entity_key, deviations.detection_date
),

scored_hours as (
    select
        hourly.dimension,
        hourly.entity_key,
        hourly.entity_name,
        hourly.hour_start_at,
        hourly.request_count,
        hourly.cost_usd,
        baseline_medians.median_usd,
        baseline_mads.mad_usd,
        baseline_medians.baseline_hour_count,
        case
            when baseline_mads.mad_usd > 0
                then (hourly.cost_usd - baseline_medians.median_usd) / (1.4826 * baseline_mads.mad_usd)
        end as robust_z
    from hourly
    inner join baseline_medians
        on hourly.dimension = baseline_medians.dimension
        and hourly.entity_key = baseline_medians.entity_key
        and hourly.usage_date = baseline_medians.detection_date
    inner join baseline_mads
        on baseline_medians.dimension = baseline_mads.dimension
        and baseline_medians.entity_key = baseline_mads.entity_key
        and baseline_medians.detection_date = baseline_mads.detection_date
    where baseline_medians.baseline_hour_count >= {{ bedrock_costs.finops_var('bedrock_costs_anomaly_min_baseline_hours') }}
),

spike_hours as (
    select * from scored_hours
    where
        cost_usd >= {{ bedrock_costs.finops_var('bedrock_costs_anomaly_min_hourly_usd') }}
        and cost_usd >= {{ bedrock_costs.finops_var('bedrock_costs_anomaly_min_ratio') }} * median_usd
        and (
            mad_usd = 0
            or robust_z >= {{ bedrock_costs.finops_var('bedrock_costs_anomaly_mad_threshold') }}
        )
),

spike_steps as (
    -- consecutive spike hours of one entity form one episode
    select
        spike_hours.*,
        case
            when
                lag(spike_hours.hour_start_at) over (
                    partition by spike_hours.dimension, spike_hours.entity_key
                    order by spike_hours.hour_start_at
                ) = {{ dbt.dateadd('hour', -1, 'spike_hours.hour_start_at') }}
                then 0
            else 1
        end as starts_episode
    from spike_hours
),

spike_episodes as (
    select
        spike_steps.*,
        sum(spike_steps.starts_episode) over (
            partition by spike_steps.dimension, spike_steps.entity_key
            order by spike_steps.hour_start_at
            rows between unbounded preceding and current row
        ) as episode_number
    from spike_steps
),

spikes as (
    select
        cast('spend_spike' as varchar) as anomaly_type,
        spike_episodes.dimension,
        spike_episodes.entity_key,
        max(spike_episodes.entity_name) as entity_name,
        cast(null as varchar) as model_id,
        min(spike_episodes.hour_start_at) as started_at,
        {{ dbt.dateadd('hour', 1, 'max(spike_episodes.hour_start_at)') }} as ended_at,
        count(*) as hour_count,
        sum(spike_episodes.request_count) as request_count,
        sum(spike_episodes.cost_usd) as cost_usd,
        sum(spike_episodes.median_usd) as expected_cost_usd,
        sum(spike_episodes.median_usd) / count(*) as baseline_hourly_usd,
        max(spike_episodes.mad_usd) as baseline_mad_usd,
        min(spike_episodes.baseline_hour_count) as baseline_hour_count,
        max(spike_episodes.cost_usd) as peak_hourly_cost_usd,
        max(spike_episodes.robust_z) as max_robust_z
    from spike_episodes
    group by spike_episodes.dimension, spike_episodes.entity_key, spike_episodes.episode_number
),

expensive_models as (
    select list_prices.model_id
    from list_prices
    group by list_prices.model_id
    having max(list_prices.input_usd_per_mtok) >= {{ bedrock_costs.finops_var('bedrock_costs_expensive_input_usd_per_mtok') }}
),

history_start as (
    select min(daily_caller_cost.usage_date) as first_usage_date
    from daily_caller_cost
),

first_direct_use as (
    select
        daily_caller_cost.caller_arn,
        daily_caller_cost.model_id,
        min(daily_caller_cost.usage_date) as first_usage_date
    from daily_caller_cost
    where daily_caller_cost.attribution_status = 'direct'
    group by daily_caller_cost.caller_arn, daily_caller_cost.model_id
),

new_spender_pairs as (
    -- first direct use inside the detection days, and not on the first day of the data
    select
        first_direct_use.caller_arn,
        first_direct_use.model_id,
        first_direct_use.first_usage_date
    from first_direct_use
    inner join expensive_models
        on first_direct_use.model_id = expensive_models.model_id
    cross join history_start
    where
        first_direct_use.first_usage_date >= {{ detect_start }}
        and first_direct_use.first_usage_date > history_start.first_usage_date
),

new_spender_hours as (
    -- the direct spend of each new pair, per hour, from its first day on
    select
        hourly_calls.caller_key,
        max(coalesce(hourly_calls.caller_name, hourly_calls.caller_key)) as entity_name,
        hourly_calls.model_id,
        hourly_calls.hour_start_at,
        cast(sum(hourly_calls.request_count) as bigint) as request_count,
        coalesce(sum(hourly_calls.cost_usd), 0) as cost_usd
    from hourly_calls
    inner join new_spender_pairs
        on hourly_calls.caller_arn = new_spender_pairs.caller_arn
        and hourly_calls.model_id = new_spender_pairs.model_id
        and hourly_calls.usage_date >= new_spender_pairs.first_usage_date
    where hourly_calls.attribution_status = 'direct'
    group by hourly_calls.caller_key, hourly_calls.model_id, hourly_calls.hour_start_at
),

new_spenders as (
    select
        cast('new_spender' as varchar) as anomaly_type,
        cast('caller' as varchar) as dimension,
        new_spender_hours.caller_key as entity_key,
        max(new_spender_hours.entity_name) as entity_name,
        new_spender_hours.model_id,
        min(new_spender_hours.hour_start_at) as started_at,
        {{ dbt.dateadd('hour', 1, 'max(new_spender_hours.hour_start_at)') }} as ended_at,
        count(*) as hour_count,
        cast(sum(new_spender_hours.request_count) as bigint) as request_count,
        sum(new_spender_hours.cost_usd) as cost_usd,
        cast(null as double) as expected_cost_usd,
        cast(null as double) as baseline_hourly_usd,
        cast(null as double) as baseline_mad_usd,
        cast(null as bigint) as baseline_hour_count,
        max(new_spender_hours.cost_usd) as peak_hourly_cost_usd,
        cast(null as double) as max_robust_z
    from new_spender_hours
    group by new_spender_hours.caller_key, new_spender_hours.model_id
),

anomalies as (
    select * from spikes
    union all
    select * from new_spenders
),

described as (
    select
        anomalies.*,
        cast(cast(round(anomalies.cost_usd, 2) as decimal(18, 2)) as varchar) as cost_text,
        cast(cast(round(anomalies.expected_cost_usd, 2) as decimal(18, 2)) as varchar) as expected_text,
        cast(cast(round(anomalies.cost_usd / nullif(anomalies.expected_cost_usd, 0), 1) as decimal(18, 1)) as varchar)
            as ratio_text,
        cast(cast(anomalies.started_at as date) as varchar) || ' '
        || lpad(cast(hour(anomalies.started_at) as varchar), 2, '0') || ':00' as started_text,
        lpad(cast(hour(anomalies.ended_at) as varchar), 2, '0') || ':00' as ended_text
    from anomalies
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
        case
            when described.anomaly_type = 'new_spender'
                then
                    described.dimension || ' ' || described.entity_name || ' first called ' || described.model_id
                    || ' directly at ' || described.started_text || ' UTC: $' || described.cost_text
                    || ' in ' || cast(described.request_count as varchar) || ' requests'
            when described.ratio_text is null
                then
                    described.dimension || ' ' || described.entity_name || ' spent $' || described.cost_text
                    || ' from ' || described.started_text || ' to ' || described.ended_text || ' UTC, with no usual spend'
            else
                described.dimension || ' ' || described.entity_name || ' spent $' || described.cost_text
                || ' from ' || described.started_text || ' to ' || described.ended_text || ' UTC, '
                || described.ratio_text || 'x its usual $' || described.expected_text
        end as description,
        cast(described.started_at as date) as usage_date
    from described
)

select * from final
