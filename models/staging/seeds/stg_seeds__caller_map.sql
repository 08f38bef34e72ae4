{#- seeds/caller_map.csv, cleaned once: names and departments trimmed, an empty cell NULL. Names keep
    their case: they are matched to the caller names the logs give (IAM and SSO names as written). -#}

with

caller_map as (
    select * from {{ ref('caller_map') }}
),

cleaned as (
    select
        nullif(trim(caller_map.caller_name), '') as caller_name,
        nullif(trim(caller_map.department), '') as department
    from caller_map
)

select * from cleaned
