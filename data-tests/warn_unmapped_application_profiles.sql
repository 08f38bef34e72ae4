{#- Warns naming every application inference profile ARN in the logs that profile_map.csv does
    not list: its calls are 'unattributed' and, with no model_source, unpriced. -#}
{{ config(severity='warn') }}

select
    model_id_raw as profile_arn,
    sum(request_count) as request_count,
    sum(input_tokens + output_tokens + cache_read_input_tokens + cache_write_input_tokens) as total_tokens,
    'UNMAPPED PROFILE: ' || model_id_raw || ': ' || cast(sum(request_count) as varchar)
    || ' requests - add its row to seeds/profile_map.csv (app, team, model_source),'
    || ' or run `bedrock-costs create-profiles --sync --write`' as message
from {{ ref('int_hourly_usage') }}
where attribution_status = 'unmapped_profile'
group by model_id_raw
