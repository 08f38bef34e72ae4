{#- Warns naming each application profile whose cost-allocation tag on the bill differs from
    seeds/profile_map.csv (fct_bill_profile_tag_comparison): the bill charges the profile's real
    tags, so one of the two is out of date. -#}
{{ config(enabled=bedrock_costs.bill_enabled(), severity='warn') }}

select
    tags.profile_arn,
    tags.tag_key,
    tags.bill_value,
    tags.profile_map_value,
    tags.status,
    'BILL TAG DIFFERS: ' || tags.profile_arn || ' (' || coalesce(tags.profile_name, 'not in profile_map') || '): tag '
    || tags.tag_key || ' is ' || coalesce('''' || tags.bill_value || '''', 'not on the bill') || ' on the bill, '
    || coalesce('''' || tags.profile_map_value || '''', 'empty') || ' in seeds/profile_map.csv - '
    || case tags.status
        when 'profile_not_in_map' then 'add the profile to seeds/profile_map.csv'
        else 'update the profile''s tags (bedrock-costs create-profiles) or seeds/profile_map.csv'
    end as message
from {{ ref('fct_bill_profile_tag_comparison') }} as tags
where tags.status in ('differs', 'profile_not_in_map')
