-- depends_on: {{ ref('fct_daily_app_cost') }}

{#- Spend spikes (an entity's hours far above its baseline) and new spenders (a caller's first direct
    call to an expensive model) of the detection days up to the as-of date. The hourly spend and the
    baselines are int_hourly_entity_spend and int_entity_spend_baselines. -#}
{%- set as_of = bedrock_costs.finops_as_of_date() %}
{%- set detect_days = [bedrock_costs.finops_var('bedrock_costs_anomaly_detect_days'), 1] | max %}
{%- set detect_start = 'cast(' ~ dbt.dateadd('day', 1 - detect_days, as_of) ~ ' as date)' %}

with

entity_hours as (
    select * from {{ ref('int_hourly_entity_spend') }}
),

baselines as (
    select * from {{ ref('int_entity_spend_baselines') }}
),

daily_caller_cost as (
    select * from {{ ref('fct_daily_caller_cost') }}
    where usage_date <= {{ as_of }}
),

direct_hours as (
    -- direct calls (no application profile) of the detection days, per caller, model and hour
    select * from {{ ref('int_hourly_usage') }}
    where
        usage_date >= {{ detect_start }}
        and usage_date <= {{ as_of }}
        and attribution_status = 'direct'
),

list_prices as (
    {{ bedrock_costs.finops_list_prices(as_of) }}
),

scored_hours as (
    select
        entity_hours.dimension,
        entity_hours.entity_key,
        entity_hours.entity_name,
        entity_hours.hour_start_at,
        entity_hours.request_count,
        entity_hours.cost_usd,
        baselines.median_usd,
        baselines.mad_usd,
        baselines.baseline_hour_count,
        case
            when baselines.mad_usd > 0
                then (entity_hours.cost_usd - baselines.median_usd) / (1.4826 * baselines.mad_usd)
        end as robust_z
    from entity_hours
    inner join baselines
        on entity_hours.dimension = baselines.dimension
        and entity_hours.entity_key = baselines.entity_key
        and entity_hours.usage_date = baselines.detection_date
    where baselines.baseline_hour_count >= {{ bedrock_costs.finops_var('bedrock_costs_anomaly_min_baseline_hours') }}
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
        coalesce(direct_hours.caller_arn, 'unknown') as caller_key,
        max(coalesce(direct_hours.caller_name, direct_hours.caller_arn, 'unknown')) as entity_name,
        direct_hours.model_id,
        direct_hours.hour_start_at,
        cast(sum(direct_hours.request_count) as bigint) as request_count,
        coalesce(sum(direct_hours.priced_cost_usd), 0) as cost_usd
    from direct_hours
    inner join new_spender_pairs
        on direct_hours.caller_arn = new_spender_pairs.caller_arn
        and direct_hours.model_id = new_spender_pairs.model_id
        and direct_hours.usage_date >= new_spender_pairs.first_usage_date
    group by coalesce(direct_hours.caller_arn, 'unknown'), direct_hours.model_id, direct_hours.hour_start_at
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
        {{ detect_start }} as window_start_date,
        {{ as_of }} as window_end_date,
        cast(described.started_at as date) as usage_date
    from described
)

select * from final
