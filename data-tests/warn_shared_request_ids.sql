{#- Warns naming every requestId that two different calls carry (another time, model, caller or
    token count): both are kept and priced, never one dropped as if it were a re-delivery. Like the
    generic tests, it checks the days the latest run loaded lines for (a full refresh: every day),
    so a scheduled run does not re-read the whole history (macros/generic_tests/get_where_subquery.sql). -#}
{{ config(severity='warn', where='__rebuilt_days__(usage_date, loaded_at, stg_bedrock__log_lines)') }}

select
    request_id,
    usage_date,
    count(*) as call_count,
    'SHARED REQUEST ID: ' || request_id || ' on ' || cast(usage_date as varchar) || ' names '
    || cast(count(*) as varchar) || ' different calls (files ' || min(log_file) || ' ... ' || max(log_file)
    || '); all are counted' as message
from {{ get_where_subquery(ref('stg_bedrock__invocations')) }}
where is_shared_request_id
group by request_id, usage_date
