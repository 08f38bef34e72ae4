{#- Cost per UTC day and IAM caller, split by how it called (attribution_status), with the caller's
    role as a person reads it: the report's callers and roles, the summary's top callers. -#}

with

caller_cost as (
    select * from {{ bedrock_costs.view_ref('fct_daily_caller_cost') }}
),

per_day as (
    select
        usage_date,
        caller_arn,
        max(account_id) as account_id,
        max(caller_name) as caller_name,
        max(caller_type) as caller_type,
        max(caller_role) as caller_role,
        sum(request_count) as request_count,
        sum(unpriced_request_count) as unpriced_request_count,
        sum(cost_usd) as cost_usd,
        coalesce(sum(case when attribution_status = 'profile' then cost_usd end), 0) as profile_cost_usd,
        coalesce(sum(case when attribution_status = 'unmapped_profile' then cost_usd end), 0) as unmapped_profile_cost_usd,
        coalesce(sum(case when attribution_status = 'direct' then cost_usd end), 0) as direct_cost_usd,
        sum(case when attribution_status = 'profile' then request_count else 0 end) as profile_request_count,
        sum(case when attribution_status = 'unmapped_profile' then request_count else 0 end)
            as unmapped_profile_request_count,
        sum(case when attribution_status = 'direct' then request_count else 0 end) as direct_request_count
    from caller_cost
    group by usage_date, caller_arn
),

final as (
    -- an SSO role's random suffix dropped (AWSReservedSSO_DataScientist_3f9c2a1b7e5d4c60); a caller
    -- without a role shows its type: (iam user), (root)
    select
        per_day.usage_date,
        per_day.caller_arn,
        per_day.account_id,
        per_day.caller_name,
        per_day.caller_type,
        per_day.caller_role,
        case
            when per_day.caller_role is null
                then '(' || replace(coalesce(per_day.caller_type, 'unknown'), '_', ' ') || ')'
            when substr(per_day.caller_role, 1, 15) = 'AWSReservedSSO_'
                then regexp_replace(per_day.caller_role, '_[0-9a-f]{16}$', '')
            else per_day.caller_role
        end as caller_role_name,
        per_day.request_count,
        per_day.unpriced_request_count,
        per_day.cost_usd,
        per_day.profile_cost_usd,
        per_day.unmapped_profile_cost_usd,
        per_day.direct_cost_usd,
        per_day.profile_request_count,
        per_day.unmapped_profile_request_count,
        per_day.direct_request_count
    from per_day
)

select * from final
