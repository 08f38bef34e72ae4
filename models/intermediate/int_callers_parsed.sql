{{ config(materialized='table', partitioned_by=none) }}

{#- Each distinct caller identity ARN of the log records (a few hundred, not one regex per call),
    parsed by macros/caller.sql, with its department from caller_map.csv. A table, so the engine
    joins the millions of calls to it and not the other way round. -#}

with

distinct_callers as (
    select distinct log_lines.caller_arn
    from {{ ref('stg_bedrock__log_lines') }} as log_lines
    where
        log_lines.line_status = 'record'
        and log_lines.caller_arn is not null
),

departments as (
    select * from {{ ref('stg_seeds__caller_map') }}
),

parsed as (
    -- the forms of an identity ARN are parsed by the macros of macros/caller.sql, the one place
    -- that knows them
    select
        distinct_callers.caller_arn,
        {{ bedrock_costs.caller_name('distinct_callers.caller_arn') }} as caller_name,
        {{ bedrock_costs.caller_type('distinct_callers.caller_arn') }} as caller_type,
        {{ bedrock_costs.caller_role('distinct_callers.caller_arn') }} as caller_role
    from distinct_callers
),

final as (
    select
        parsed.caller_arn,
        parsed.caller_name,
        parsed.caller_type,
        parsed.caller_role,
        coalesce(departments.department, 'unassigned') as department
    from parsed
    left join departments
        on parsed.caller_name = departments.caller_name
)

select * from final
