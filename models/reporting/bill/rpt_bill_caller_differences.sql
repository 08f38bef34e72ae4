{{ config(enabled=bedrock_costs.bill_enabled()) }}
{#- The callers whose billed cost differs from their log estimate in a billing period, or that only
    one side knows; the biggest absolute difference first (absolute_difference_usd). -#}

with

caller_comparison as (
    select * from {{ bedrock_costs.view_ref('fct_bill_caller_comparison') }}
),

final as (
    select
        billing_period,
        account_id,
        caller_arn,
        status,
        billed_cost_usd,
        estimated_cost_usd,
        abs(coalesce(billed_cost_usd, 0) - coalesce(estimated_cost_usd, 0)) as absolute_difference_usd
    from caller_comparison
    where status in ('differs', 'not_in_logs', 'not_in_bill')
)

select * from final
