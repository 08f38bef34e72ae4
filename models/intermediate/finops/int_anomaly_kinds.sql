{#- The kinds of anomaly fct_cost_anomalies reports, and the one place of their wording: each kind's
    one-line message template. int_anomalies_worded fills each placeholder in braces from the
    anomaly's row: {dimension}, {entity_name}, {model_id}, {started_at} (YYYY-MM-DD HH:00),
    {ended_hour} (HH:00), {cost_usd} and {expected_cost_usd} (to the cent), {spend_ratio} (to a
    tenth), {request_count}. -#}

with

kinds as (
    select
        kinds.anomaly_kind,
        kinds.anomaly_type,
        kinds.meaning,
        kinds.message_template
    from (
        values
        (
            'spend_spike', 'spend_spike', 'Consecutive hours far above the entity''s usual hourly spend',
            '{dimension} {entity_name} spent ${cost_usd} from {started_at} to {ended_hour} UTC, '
            || '{spend_ratio}x its usual ${expected_cost_usd}'
        ),
        (
            'spend_spike_no_usual_spend', 'spend_spike', 'A spike whose baseline median is $0',
            '{dimension} {entity_name} spent ${cost_usd} from {started_at} to {ended_hour} UTC, with no usual spend'
        ),
        (
            'new_spender', 'new_spender', 'An IAM caller''s first direct call to an expensive model',
            '{dimension} {entity_name} first called {model_id} directly at {started_at} UTC: ${cost_usd} in {request_count} requests'
        )
    ) as kinds (anomaly_kind, anomaly_type, meaning, message_template)
)

select * from kinds
