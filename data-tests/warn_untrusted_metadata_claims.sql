{#- Warns naming every caller whose requestMetadata names an app or team while the caller is not in
    bedrock_costs_trusted_metadata_callers: the claim attributes nothing (anyone can set metadata),
    and the spend stays with the profile or `unattributed`. -#}
{{ config(severity='warn') }}

select
    caller_arn,
    claimed_app,
    claimed_team,
    sum(request_count) as request_count,
    'UNTRUSTED METADATA: ' || coalesce(caller_arn, '-') || ' claims app=' || coalesce(claimed_app, '-')
    || ', team=' || coalesce(claimed_team, '-') || ' in ' || cast(sum(request_count) as varchar)
    || ' requests; ignored - if this caller is a gateway you run, add its role to the var'
    || ' bedrock_costs_trusted_metadata_callers' as message
from {{ ref('int_hourly_usage') }}
where
    not is_trusted_caller
    and (claimed_app is not null or claimed_team is not null)
group by caller_arn, claimed_app, claimed_team
