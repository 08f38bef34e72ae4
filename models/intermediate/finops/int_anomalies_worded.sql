{#- The anomalies of every detector (int_anomalies_*), each row worded by its kind's template in
    int_anomaly_kinds, the one place of their wording. -#}

with

spend_spikes as (
    select * from {{ ref('int_anomalies_spend_spikes') }}
),

new_expensive_spenders as (
    select * from {{ ref('int_anomalies_new_expensive_spenders') }}
),

anomaly_kinds as (
    select * from {{ ref('int_anomaly_kinds') }}
),

anomalies as (
    select * from spend_spikes
    union all
    select * from new_expensive_spenders
),

texts as (
    -- the values a template names, as text: dollars to the cent, the ratio to a tenth, hours as HH:00
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

described as (
    select
        texts.*,
        {{ bedrock_costs.fill_template('anomaly_kinds.message_template', {
            'dimension': 'texts.dimension',
            'entity_name': 'texts.entity_name',
            'model_id': 'texts.model_id',
            'started_at': 'texts.started_text',
            'ended_hour': 'texts.ended_text',
            'cost_usd': 'texts.cost_text',
            'expected_cost_usd': 'texts.expected_text',
            'spend_ratio': 'texts.ratio_text',
            'request_count': 'cast(texts.request_count as varchar)',
        }) }} as description
    from texts
    left join anomaly_kinds
        on texts.anomaly_kind = anomaly_kinds.anomaly_kind
)

select * from described  -- noqa: AM04
