{#- Warns naming every application inference profile ARN in the logs that profile_map.csv does
    not list: its calls are 'unattributed' and, with no model_source, unpriced. The rows and their
    fix are the model audit_unmapped_profiles (which `bedrock-costs notify` alerts on too). -#}
{{ config(severity='warn') }}

select
    profile_arn,
    request_count,
    total_tokens,
    message
from {{ ref('audit_unmapped_profiles') }}
