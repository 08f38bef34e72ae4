{#- seeds/profile_map.csv, cleaned once for every reader: each value trimmed (a stray space left by a
    hand edit must not unmap a profile), an empty cell NULL. One row per profile; profile_arn stays
    NULL until the profile is created. -#}

with

profile_map as (
    select * from {{ ref('profile_map') }}
),

cleaned as (
    select
        nullif(trim(profile_map.profile_name), '') as profile_name,
        nullif(trim(profile_map.profile_arn), '') as profile_arn,
        nullif(trim(profile_map.app), '') as app,
        nullif(trim(profile_map.team), '') as team,
        nullif(trim(profile_map.cost_center), '') as cost_center,
        nullif(trim(profile_map.environment), '') as environment,
        nullif(trim(profile_map.model_source), '') as model_source
    from profile_map
)

select * from cleaned
