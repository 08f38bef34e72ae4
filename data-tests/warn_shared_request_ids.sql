{#- Warns naming every requestId that two different calls carry (another time, model, caller or
    token count): both are kept and priced, never one dropped as if it were a re-delivery. -#}
{{ config(severity='warn') }}

select
    request_id,
    usage_date,
    count(*) as call_count,
    'SHARED REQUEST ID: ' || request_id || ' on ' || cast(usage_date as varchar) || ' names '
    || cast(count(*) as varchar) || ' different calls (files ' || min(log_file) || ' ... ' || max(log_file)
    || '); all are counted' as message
from {{ ref('stg_bedrock__invocations') }}
where is_shared_request_id
group by request_id, usage_date
