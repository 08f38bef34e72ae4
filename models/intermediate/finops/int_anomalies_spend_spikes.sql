{#- Anomaly detector: spend spikes. An entity's hour of the detection days is a spike when it is far
    above the entity's baseline (int_entity_spend_baselines) by every threshold var; consecutive
    spike hours are one row. Ephemeral, like every detector: compiled into fct_cost_anomalies, so a
    run of the mart with other thresholds uses them. -#}

with

entity_hours as (
    select * from {{ ref('int_hourly_entity_spend') }}
),

baselines as (
    select * from {{ ref('int_entity_spend_baselines') }}
),

scored_hours as (
    select
        entity_hours.*,
        baselines.median_usd,
        baselines.mad_usd,
        baselines.baseline_hour_count,
        (entity_hours.cost_usd - baselines.median_usd) / (1.4826 * nullif(baselines.mad_usd, 0)) as robust_z
    from entity_hours
    inner join baselines
        on entity_hours.dimension = baselines.dimension
        and entity_hours.entity_key = baselines.entity_key
        and entity_hours.usage_date = baselines.detection_date
    where baselines.baseline_hour_count >= {{ bedrock_costs.finops_number('bedrock_costs_anomaly_min_baseline_hours') }}
),

spike_hours as (
    select * from scored_hours
    where
        cost_usd >= {{ bedrock_costs.finops_number('bedrock_costs_anomaly_min_hourly_usd') }}
        and cost_usd >= {{ bedrock_costs.finops_number('bedrock_costs_anomaly_min_ratio') }} * median_usd
        and (mad_usd = 0 or robust_z >= {{ bedrock_costs.finops_number('bedrock_costs_anomaly_mad_threshold') }})
),

ranked as (
    select
        spike_hours.*,
        row_number() over (
            partition by spike_hours.dimension, spike_hours.entity_key order by spike_hours.hour_start_at
        ) as hour_rank
    from spike_hours
),

episodes as (
    -- consecutive spike hours of one entity are one episode: their hour number minus their rank is the same
    select
        ranked.*,
        date_diff('hour', timestamp '2000-01-01 00:00:00', ranked.hour_start_at) - ranked.hour_rank as episode_key
    from ranked
),

final as (
    select
        cast('spend_spike' as varchar) as anomaly_type,
        case when sum(episodes.median_usd) > 0 then 'spend_spike' else 'spend_spike_no_usual_spend' end as anomaly_kind,
        episodes.dimension,
        episodes.entity_key,
        max(episodes.entity_name) as entity_name,
        cast(null as varchar) as model_id,
        min(episodes.hour_start_at) as started_at,
        max(episodes.hour_start_at) + interval '1' hour as ended_at,
        count(*) as hour_count,
        sum(episodes.request_count) as request_count,
        sum(episodes.cost_usd) as cost_usd,
        sum(episodes.median_usd) as expected_cost_usd,
        sum(episodes.median_usd) / count(*) as baseline_hourly_usd,
        max(episodes.mad_usd) as baseline_mad_usd,
        min(episodes.baseline_hour_count) as baseline_hour_count,
        max(episodes.cost_usd) as peak_hourly_cost_usd,
        max(episodes.robust_z) as max_robust_z
    from episodes
    group by episodes.dimension, episodes.entity_key, episodes.episode_key
)

select * from final
