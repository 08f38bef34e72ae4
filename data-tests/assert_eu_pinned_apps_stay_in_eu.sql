{#- Data residency: an app whose profile copies an eu.* system profile is EU-pinned, so every
    one of its calls must be served in the EU geography (macros/geography.sql). Fails naming each
    app, region and day. -#}

with

eu_pinned_apps as (
    select distinct profile_map.app
    from {{ ref('stg_seeds__profile_map') }} as profile_map
    where {{ bedrock_costs.aws_geography(bedrock_costs.model_routing_prefix('profile_map.model_source')) }} = 'eu'
),

residency as (
    select * from {{ ref('fct_daily_residency') }}
)

select
    residency.app,
    residency.serving_region,
    residency.usage_date,
    residency.request_count,
    'RESIDENCY: app ' || residency.app || ' is EU-pinned (its profile copies an eu. profile) but '
    || cast(residency.request_count as varchar) || ' calls on ' || cast(residency.usage_date as varchar)
    || ' were served in ' || residency.serving_region
    || ' - check the profile''s model_source in seeds/profile_map.csv' as message
from residency
inner join eu_pinned_apps
    on residency.app = eu_pinned_apps.app
where residency.serving_geography <> 'eu'
