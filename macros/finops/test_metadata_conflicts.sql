{#- Calls through a mapped profile whose requestMetadata names another app, team, cost center or
    environment than the profile's tag (the tag wins). One row per profile, field and pair of
    values, with the number of calls (`calls`: sum(request_count) on int_hourly_usage, count(*) on
    a table of calls); meant to run with severity warn. -#}
{% test metadata_conflicts(model, fields=['app', 'team', 'cost_center', 'environment'], calls='sum(request_count)') %}
{%- for field in fields %}
select
    profile_name,
    '{{ field }}' as field,
    {{ field }} as profile_value,
    metadata_{{ field }} as metadata_value,
    {{ calls }} as request_count
from {{ model }}
where
    attribution_status = 'profile'
    and {{ field }} <> metadata_{{ field }}
group by profile_name, {{ field }}, metadata_{{ field }}
{{ 'union all' if not loop.last }}
{%- endfor %}
{% endtest %}
