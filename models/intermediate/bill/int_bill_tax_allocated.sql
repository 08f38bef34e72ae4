{#- The tax lines the token cells do not hold, allocated in proportion to each app's pre-tax charge
    (docs/bill.md): the net of every allocated row of the same account and billing period
    (int_bill_usage_allocated, int_bill_shared_allocated, int_bill_adjustments_allocated), the
    `unattributed` rows included, so tax on unattributed usage stays unattributed with its reason. A
    tax line with no pre-tax charge to follow stays `unattributed` (`no_usage_to_follow`). -#}

with

taxes as (
    select
        lines.*,
        coalesce(lines.billed_tokens, 0) as bill_tokens
    from {{ ref('int_bill_lines_resolved') }} as lines
    where lines.usage_kind <> 'token' and lines.line_kind = 'tax'
),

pre_tax as (
    select * from {{ ref('int_bill_usage_allocated') }}
    union all
    select * from {{ ref('int_bill_shared_allocated') }}
    union all
    select * from {{ ref('int_bill_adjustments_allocated') }}
),

charges as (
    select
        pre_tax.billing_period,
        pre_tax.account_id,
        pre_tax.app,
        pre_tax.team,
        pre_tax.cost_center,
        pre_tax.environment,
        pre_tax.caller_arn,
        pre_tax.unattributed_reason,
        sum(pre_tax.net_cost_usd) as pre_tax_usd
    from pre_tax
    group by 1, 2, 3, 4, 5, 6, 7, 8
    having sum(pre_tax.net_cost_usd) > 0
),

taxed as (
    select distinct taxes.bill_line_key
    from taxes
    inner join charges
        on taxes.account_id = charges.account_id
        and taxes.billing_period = charges.billing_period
),

weights as (
    select
        taxes.bill_line_key,
        charges.app,
        charges.team,
        charges.cost_center,
        charges.environment,
        charges.caller_arn,
        'pre_tax_charge' as allocation_basis,
        charges.unattributed_reason,
        charges.pre_tax_usd as weight
    from taxes
    inner join charges
        on taxes.account_id = charges.account_id
        and taxes.billing_period = charges.billing_period
    union all
    select
        taxes.bill_line_key,
        'unattributed' as app,
        'unattributed' as team,
        'unattributed' as cost_center,
        'unattributed' as environment,
        taxes.iam_principal_arn as caller_arn,
        'bill_line' as allocation_basis,
        'no_usage_to_follow' as unattributed_reason,
        cast(1 as double) as weight
    from taxes
    where taxes.bill_line_key not in (select taxed.bill_line_key from taxed)
),

final as (
    select
        cast(taxes.bill_line_key as varchar) as allocated_from,
        taxes.billing_period,
        taxes.usage_date,
        taxes.account_id,
        taxes.aws_region,
        taxes.model_id,
        taxes.line_kind as charge_kind,
        taxes.usage_type,
        weights.app,
        weights.team,
        weights.cost_center,
        weights.environment,
        weights.caller_arn,
        weights.allocation_basis,
        weights.unattributed_reason,
        cast(0 as double) as estimated_cost_usd,
        {{ bedrock_costs.bill_line_share('taxes', 'cast(weights.weight as double)', 'taxes.bill_line_key') }}
    from weights
    inner join taxes
        on weights.bill_line_key = taxes.bill_line_key
)

select * from final
