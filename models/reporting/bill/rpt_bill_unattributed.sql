{{ config(enabled=bedrock_costs.bill_enabled()) }}
{#- What the bill leaves unattributed in a billing period, by charge kind and reason
    (fct_daily_app_cost_billed's app `unattributed`): the summary's and the report's "what stays
    unattributed", summed over accounts. -#}

with

allocated as (
    select * from {{ bedrock_costs.view_ref('fct_daily_app_cost_billed') }}
),

final as (
    select
        billing_period,
        charge_kind,
        unattributed_reason,
        sum(billed_cost_usd) as billed_cost_usd,
        sum(net_cost_usd) as net_cost_usd,
        sum(estimated_cost_usd) as estimated_cost_usd
    from allocated
    where app = 'unattributed'
    group by billing_period, charge_kind, unattributed_reason
)

select * from final
