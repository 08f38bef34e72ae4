{{ config(materialized='table', partitioned_by=none) }}

{#- Each distinct IAM identity of the log lines, parsed once: a few hundred ARNs, not one regex
    per call. A small table (rebuilt on every run) rather than a CTE, so the engine sees its true
    size and joins the millions of calls to it, not the other way round. -#}

with

distinct_callers as (
    select distinct caller_arn
    from {{ ref('base_bedrock__log_lines') }}
    where line_status = 'record'
),

final as (
    select
        caller_arn,
        {{ bedrock_costs.caller_name('caller_arn') }} as caller_name,
        {{ bedrock_costs.caller_type('caller_arn') }} as caller_type,
        {{ bedrock_costs.caller_role('caller_arn') }} as caller_role
    from distinct_callers
)

select * from final
