{#- The real cost, allocated (see _bill__docs.md): every line of the bill, each row saying how
    (`allocation_basis`) and, for the app `unattributed`, why (`unattributed_reason`). Token cells by
    the apps' estimate (int_bill_usage_allocated), provisioned hours by their calls, lines a tag,
    profile_map.csv or caller_map.csv names to that owner, the rest by seeds/shared_cost_rules.csv
    (int_bill_shared_allocated), discounts, credits and refunds to what they discount
    (int_bill_adjustments_allocated), tax by the pre-tax charge (int_bill_tax_allocated). Every dollar
    of the bill lands in exactly one row. -#}

with

allocated as (
    select * from {{ ref('int_bill_usage_allocated') }}
    union all
    select * from {{ ref('int_bill_shared_allocated') }}
    union all
    select * from {{ ref('int_bill_adjustments_allocated') }}
    union all
    select * from {{ ref('int_bill_tax_allocated') }}
),

final as (
    select
        allocated.billing_period,
        allocated.account_id,
        allocated.aws_region,
        allocated.model_id,
        allocated.charge_kind,
        allocated.app,
        allocated.team,
        allocated.cost_center,
        allocated.environment,
        allocated.caller_arn,
        allocated.allocation_basis,
        sum(allocated.estimated_cost_usd) as estimated_cost_usd,
        sum(allocated.bill_tokens) as bill_tokens,
        sum(allocated.billed_cost_usd) as billed_cost_usd,
        sum(allocated.discount_usd) as discount_usd,
        sum(allocated.credit_usd) as credit_usd,
        sum(allocated.net_cost_usd) as net_cost_usd,
        allocated.unattributed_reason,
        allocated.usage_date
    from allocated
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 18, 19
)

select * from final
