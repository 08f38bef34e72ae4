{#- Every bill line the token cells do not share (int_bill_cell_shares): the usage lines of every other
    kind, one row each, with who owns it. First that applies (docs/bill.md):
      provisioned_calls  a provisioned model's hour with calls through its ARN (shared by them);
      resource_tags      the line's `user_app` tag (and team, cost center, environment tags);
      profile_map        a profile_map.csv row for the line's resource ARN (a provisioned model's owner);
      caller_map         a caller_map.csv app for the line's principal (line_item_iam_principal);
    else `owner_basis` is NULL and seeds/shared_cost_rules.csv's rule for the kind applies (`rule`).
    Discount, credit, refund and tax lines follow what they discount or tax, later steps. -#}

with

lines as (
    select * from {{ ref('int_bill_lines_resolved') }}
    where usage_kind <> 'token' and line_kind not in ('discount', 'credit', 'refund', 'tax')
),

used_lines as (
    -- the provisioned model hours with calls through the model (a daily line: calls that day)
    select distinct lines.bill_line_key
    from lines
    inner join {{ ref('int_bill_provisioned_usage') }} as provisioned
        on lines.account_id = provisioned.account_id
        and lines.resource_id = provisioned.resource_id
        and lines.usage_start_at <= provisioned.hour_start_at
        and lines.usage_end_at > provisioned.hour_start_at
    where lines.line_kind = 'provisioned_throughput' and provisioned.total_tokens + provisioned.request_count > 0
),

mapped_resources as (
    select
        profile_map.profile_arn as resource_id,
        min(profile_map.app) as app,
        min(profile_map.team) as team,
        min(profile_map.cost_center) as cost_center,
        min(profile_map.environment) as environment
    from {{ ref('stg_seeds__profile_map') }} as profile_map
    where profile_map.profile_arn is not null
    group by profile_map.profile_arn
),

mapped_callers as (
    select
        caller_map.caller_name,
        caller_map.app,
        caller_map.team,
        caller_map.cost_center
    from {{ ref('stg_seeds__caller_map') }} as caller_map
    where caller_map.app is not null
),

joined as (
    select
        lines.*,
        used_lines.bill_line_key is not null as is_provisioned_hour_used,
        mapped_resources.app as resource_app,
        mapped_resources.team as resource_team,
        mapped_resources.cost_center as resource_cost_center,
        mapped_resources.environment as resource_environment,
        mapped_callers.app as caller_app,
        mapped_callers.team as caller_team,
        mapped_callers.cost_center as caller_cost_center,
        coalesce(trim(rules.rule), 'unattributed') as rule,
        nullif(trim(rules.owner_app), '') as rule_owner_app,
        nullif(trim(rules.owner_team), '') as rule_owner_team,
        nullif(trim(rules.owner_cost_center), '') as rule_owner_cost_center
    from lines
    left join used_lines
        on lines.bill_line_key = used_lines.bill_line_key
    left join mapped_resources
        on lines.resource_id = mapped_resources.resource_id
    left join mapped_callers
        on {{ bedrock_costs.caller_name('lines.iam_principal_arn') }} = mapped_callers.caller_name
    left join {{ ref('shared_cost_rules') }} as rules
        on lines.line_kind = trim(rules.charge_kind)
),

based as (
    select
        joined.*,
        case
            when joined.is_provisioned_hour_used then 'provisioned_calls'
            when joined.tag_app is not null then 'resource_tags'
            when joined.resource_app is not null then 'profile_map'
            when joined.caller_app is not null then 'caller_map'
        end as owner_basis
    from joined
),

final as (
    select
        based.bill_line_key,
        based.billing_period,
        based.usage_date,
        based.usage_start_at,
        based.usage_end_at,
        based.account_id,
        based.aws_region,
        based.model_id,
        based.line_kind,
        based.usage_type,
        based.resource_id,
        based.iam_principal_arn,
        based.owner_basis,
        case based.owner_basis
            when 'resource_tags' then based.tag_app when 'profile_map' then based.resource_app
            when 'caller_map' then based.caller_app
        end as owner_app,
        case based.owner_basis
            when 'resource_tags' then based.tag_team when 'profile_map' then based.resource_team
            when 'caller_map' then based.caller_team
        end as owner_team,
        case based.owner_basis
            when 'resource_tags' then based.tag_cost_center when 'profile_map' then based.resource_cost_center
            when 'caller_map' then based.caller_cost_center
        end as owner_cost_center,
        case based.owner_basis
            when 'resource_tags' then based.tag_environment when 'profile_map' then based.resource_environment
        end as owner_environment,
        based.rule,
        based.rule_owner_app,
        based.rule_owner_team,
        based.rule_owner_cost_center,
        coalesce(based.billed_tokens, 0) as bill_tokens,
        based.gross_cost_usd,
        based.discount_usd,
        based.credit_usd,
        based.net_cost_usd
    from based
)

select * from final
