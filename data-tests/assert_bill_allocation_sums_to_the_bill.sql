{#- The allocation spreads the bill, it never makes or loses money: per day, account, region,
    model and charge kind, fct_daily_app_cost_billed's rows sum to the bill (its token cells in
    fct_bill_reconciliation, every other line in int_bill_lines_resolved) to the cent, in billed,
    discount, credit and net cost. Fails naming each place that does not. -#}
{{ config(enabled=bedrock_costs.bill_enabled()) }}

with

allocated as (
    select
        allocation.usage_date,
        allocation.account_id,
        allocation.aws_region,
        allocation.model_id,
        allocation.charge_kind,
        sum(allocation.billed_cost_usd) as billed_cost_usd,
        sum(allocation.discount_usd) as discount_usd,
        sum(allocation.credit_usd) as credit_usd,
        sum(allocation.net_cost_usd) as net_cost_usd
    from {{ ref('fct_daily_app_cost_billed') }} as allocation
    group by 1, 2, 3, 4, 5
),

billed as (
    select
        reconciliation.usage_date,
        reconciliation.account_id,
        reconciliation.aws_region,
        reconciliation.model_id,
        'token' as charge_kind,
        reconciliation.billed_cost_usd,
        reconciliation.discount_usd,
        reconciliation.credit_usd,
        reconciliation.net_cost_usd
    from {{ ref('fct_bill_reconciliation') }} as reconciliation
    union all
    select
        lines.usage_date,
        lines.account_id,
        lines.aws_region,
        lines.model_id,
        lines.line_kind as charge_kind,
        lines.gross_cost_usd as billed_cost_usd,
        lines.discount_usd,
        lines.credit_usd,
        lines.net_cost_usd
    from {{ ref('int_bill_lines_resolved') }} as lines
    where lines.usage_kind <> 'token'
),

bill as (
    select
        billed.usage_date,
        billed.account_id,
        billed.aws_region,
        billed.model_id,
        billed.charge_kind,
        sum(billed.billed_cost_usd) as billed_cost_usd,
        sum(billed.discount_usd) as discount_usd,
        sum(billed.credit_usd) as credit_usd,
        sum(billed.net_cost_usd) as net_cost_usd
    from billed
    group by 1, 2, 3, 4, 5
),

compared as (
    select
        coalesce(bill.usage_date, allocated.usage_date) as usage_date,
        coalesce(bill.account_id, allocated.account_id) as account_id,
        coalesce(bill.aws_region, allocated.aws_region) as aws_region,
        coalesce(bill.model_id, allocated.model_id) as model_id,
        coalesce(bill.charge_kind, allocated.charge_kind) as charge_kind,
        coalesce(bill.net_cost_usd, 0) as bill_net_cost_usd,
        coalesce(allocated.net_cost_usd, 0) as allocated_net_cost_usd,
        greatest(
            abs(coalesce(bill.billed_cost_usd, 0) - coalesce(allocated.billed_cost_usd, 0)),
            abs(coalesce(bill.discount_usd, 0) - coalesce(allocated.discount_usd, 0)),
            abs(coalesce(bill.credit_usd, 0) - coalesce(allocated.credit_usd, 0)),
            abs(coalesce(bill.net_cost_usd, 0) - coalesce(allocated.net_cost_usd, 0))
        ) as largest_gap_usd
    from bill
    full outer join allocated
        on bill.usage_date = allocated.usage_date
        and bill.account_id = allocated.account_id
        and bill.aws_region is not distinct from allocated.aws_region
        and bill.model_id is not distinct from allocated.model_id
        and bill.charge_kind = allocated.charge_kind
)

select
    compared.*,
    'ALLOCATION OFF THE BILL: ' || compared.charge_kind || ' on ' || coalesce(compared.model_id, '-') || ' in '
    || coalesce(compared.aws_region, '-') || ', account ' || compared.account_id || ', '
    || cast(compared.usage_date as varchar)
    || ': allocated $' || {{ bedrock_costs.decimal_text('compared.allocated_net_cost_usd', 4) }}
    || ' net, the bill $' || {{ bedrock_costs.decimal_text('compared.bill_net_cost_usd', 4) }}
    || ' - a bug in models/marts/bill/fct_daily_app_cost_billed.sql (a cell with no share, or two)' as message
from compared
where compared.largest_gap_usd >= 0.005
