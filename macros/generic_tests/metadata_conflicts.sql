{#- Calls through a mapped profile whose requestMetadata names another app, team, cost center or
    environment than the profile's tag (the tag wins). One row per profile, field and pair of
    values, with the number of calls, each with its fix; meant to run with severity warn. -#}
{% test metadata_conflicts(model, fields=['app', 'team', 'cost_center', 'environment']) %}
{%- for field in fields %}
select
    profile_name,
    '{{ field }}' as field,
    {{ field }} as profile_value,
    claimed_{{ field }} as metadata_value,
    sum(request_count) as request_count,
    'METADATA CONFLICT: profile ' || profile_name || ' is tagged {{ field }}=' || {{ field }}
    || ' but its callers send requestMetadata {{ field }}=' || claimed_{{ field }}
    || ' (the tag wins); fix the tag in seeds/profile_map.csv or the value the app sends' as fix
from {{ model }}
where
    attribution_source = 'profile'
    and {{ field }} <> claimed_{{ field }}
group by profile_name, {{ field }}, claimed_{{ field }}
{{ 'union all' if not loop.last }}
{%- endfor %}
{% endtest %}
