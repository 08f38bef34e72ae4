{#- The bill lines nothing names an owner for (int_bill_line_owners), allocated by their kind's rule in
    seeds/shared_cost_rules.csv: `proportional` to each app's own billed usage in the same account and
    billing period (int_bill_usage_allocated, gross, `unattributed` left out), `even` (an equal share
    per app with billed usage there, split evenly over its team, cost center and environment rows),
    `owner` (the rule's owner_app, owner_team, owner_cost_center) or `unattributed` (reason `no_owner`;
    `unclassified` for lines no rule classifies; `no_usage_to_share` when no app has billed usage). -#}

with

owners as (
    select * from {{ ref('int_bill_line_owners') }}
    where owner_basis is null
),

app_usage as (
    select
        usage.billing_period,
        usage.account_id,
        usage.app,
        usage.team,
        coalesce(usage.cost_center, 'unattributed') as cost_center,
        coalesce(usage.environment, 'unattributed') as environment,
        sum(usage.billed_cost_usd) as usage_usd
    from {{ ref('int_bill_usage_allocated') }} as usage
    where usage.app <> 'unattributed'
    group by 1, 2, 3, 4, 5, 6
    having sum(usage.billed_cost_usd) > 0
),

app_teams as (
    -- an owner app's team and cost center when the rule names the app alone (profile_map.csv)
    select
        profile_map.app,
        min(profile_map.team) as team,
        min(profile_map.cost_center) as cost_center
    from {{ ref('stg_seeds__profile_map') }} as profile_map
    group by 1
),

spread as (
    select
        owners.bill_line_key,
        app_usage.app,
        app_usage.team,
        app_usage.cost_center,
        app_usage.environment,
        cast(null as varchar) as caller_arn,
        'rule_' || owners.rule as allocation_basis,
        cast(null as varchar) as unattributed_reason,
        case
            when owners.rule = 'even' then cast(1 as double) / count(*) over (partition by owners.bill_line_key, app_usage.app)
            else app_usage.usage_usd
        end as weight
    from owners
    inner join app_usage
        on owners.account_id = app_usage.account_id
        and owners.billing_period = app_usage.billing_period
    where owners.rule in ('proportional', 'even')
),

owned as (
    select
        owners.bill_line_key,
        coalesce(owners.rule_owner_app, 'shared') as app,
        coalesce(owners.rule_owner_team, app_teams.team, 'unattributed') as team,
        coalesce(owners.rule_owner_cost_center, app_teams.cost_center, 'unattributed') as cost_center,
        'unattributed' as environment,
        owners.iam_principal_arn as caller_arn,
        'rule_owner' as allocation_basis,
        cast(null as varchar) as unattributed_reason,
        cast(1 as double) as weight
    from owners
    left join app_teams
        on owners.rule_owner_app = app_teams.app
    where owners.rule = 'owner'
),

shared as (
    select * from spread
    union all
    select * from owned
),

left_over as (
    -- the lines no rule gives an app: to `unattributed`, with the reason
    select
        owners.bill_line_key,
        'unattributed' as app,
        'unattributed' as team,
        'unattributed' as cost_center,
        'unattributed' as environment,
        owners.iam_principal_arn as caller_arn,
        'bill_line' as allocation_basis,
        case
            when owners.line_kind = 'unclassified' then 'unclassified'
            when owners.rule in ('proportional', 'even') then 'no_usage_to_share'
            else 'no_owner'
        end as unattributed_reason,
        cast(1 as double) as weight
    from owners
    where owners.bill_line_key not in (select shared.bill_line_key from shared)
),

weights as (
    select * from shared
    union all
    select * from left_over
),

final as (
    select
        cast(owners.bill_line_key as varchar) as allocated_from,
        owners.billing_period,
        owners.usage_date,
        owners.account_id,
        owners.aws_region,
        owners.model_id,
        owners.line_kind as charge_kind,
        owners.usage_type,
        weights.app,
        weights.team,
        weights.cost_center,
        weights.environment,
        weights.caller_arn,
        weights.allocation_basis,
        weights.unattributed_reason,
        cast(0 as double) as estimated_cost_usd,
        {{ bedrock_costs.bill_line_share('owners', 'cast(weights.weight as double)', 'owners.bill_line_key') }}
    from weights
    inner join owners
        on weights.bill_line_key = owners.bill_line_key
)

select * from final
