{#- seeds/caller_map.csv, cleaned once: names, departments and the owners of the bill's charges to
    the caller trimmed, an empty cell NULL. Names keep their case: they are matched to the caller names
    the logs (and the bill's principals) give (IAM and SSO names as written). -#}

with

caller_map as (
    select * from {{ ref('caller_map') }}
),

cleaned as (
    select
        nullif(trim(caller_map.caller_name), '') as caller_name,
        nullif(trim(caller_map.department), '') as department,
        nullif(trim(caller_map.app), '') as app,
        nullif(trim(caller_map.team), '') as team,
        nullif(trim(caller_map.cost_center), '') as cost_center
    from caller_map
)

select * from cleaned
