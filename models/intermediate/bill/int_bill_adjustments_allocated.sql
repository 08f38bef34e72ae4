{#- The discount, credit and refund lines the token cells do not hold, allocated to the usage they
    discount (docs/bill.md): in proportion to the gross of the allocated usage (int_bill_usage_allocated,
    int_bill_shared_allocated) of the same account and billing period and, when some usage there has
    the line's usage type, of that usage type alone. Each row keeps the followed row's app and its
    unattributed reason; a line with no usage to follow stays `unattributed` (`no_usage_to_follow`). -#}

with

adjustments as (
    select
        lines.*,
        coalesce(lines.billed_tokens, 0) as bill_tokens
    from {{ ref('int_bill_lines_resolved') }} as lines
    where lines.usage_kind <> 'token' and lines.line_kind in ('discount', 'credit', 'refund')
),

usage as (
    select * from {{ ref('int_bill_usage_allocated') }}
    union all
    select * from {{ ref('int_bill_shared_allocated') }}
),

followed as (
    select
        usage.billing_period,
        usage.account_id,
        usage.usage_type,
        usage.app,
        usage.team,
        usage.cost_center,
        usage.environment,
        usage.caller_arn,
        usage.unattributed_reason,
        sum(usage.billed_cost_usd) as usage_usd
    from usage
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9
    having sum(usage.billed_cost_usd) > 0
),

matched as (
    -- the line's own usage type when any usage has it, else all of the account's usage in the period
    select
        adjustments.bill_line_key,
        followed.*,
        case when followed.usage_type = adjustments.usage_type then 1 else 2 end as match_level
    from adjustments
    inner join followed
        on adjustments.account_id = followed.account_id
        and adjustments.billing_period = followed.billing_period
),

best as (
    select
        matched.*,
        min(matched.match_level) over (partition by matched.bill_line_key) as best_level
    from matched
),

weights as (
    select
        best.bill_line_key,
        best.app,
        best.team,
        best.cost_center,
        best.environment,
        best.caller_arn,
        'follows_usage' as allocation_basis,
        best.unattributed_reason,
        best.usage_usd as weight
    from best
    where best.match_level = best.best_level
    union all
    select
        adjustments.bill_line_key,
        'unattributed' as app,
        'unattributed' as team,
        'unattributed' as cost_center,
        'unattributed' as environment,
        adjustments.iam_principal_arn as caller_arn,
        'bill_line' as allocation_basis,
        'no_usage_to_follow' as unattributed_reason,
        cast(1 as double) as weight
    from adjustments
    where adjustments.bill_line_key not in (select matched.bill_line_key from matched)
),

final as (
    select
        cast(adjustments.bill_line_key as varchar) as allocated_from,
        adjustments.billing_period,
        adjustments.usage_date,
        adjustments.account_id,
        adjustments.aws_region,
        adjustments.model_id,
        adjustments.line_kind as charge_kind,
        adjustments.usage_type,
        weights.app,
        weights.team,
        weights.cost_center,
        weights.environment,
        weights.caller_arn,
        weights.allocation_basis,
        weights.unattributed_reason,
        cast(0 as double) as estimated_cost_usd,
        {{ bedrock_costs.bill_line_share('adjustments', 'cast(weights.weight as double)', 'adjustments.bill_line_key') }}
    from weights
    inner join adjustments
        on weights.bill_line_key = adjustments.bill_line_key
)

select * from final
