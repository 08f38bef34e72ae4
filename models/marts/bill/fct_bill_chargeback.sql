{#- The monthly chargeback: per billing period, usage account, cost center, team and app, what the
    bill charges it (fct_daily_app_cost_billed, every line allocated), next to the logs' estimate of
    the same billed days, and the part of each kind of charge. Its net cost sums to the period's net
    bill per account, to the cent (test assert_bill_chargeback_sums_to_the_invoice). -#}

with

allocated as (
    select * from {{ ref('fct_daily_app_cost_billed') }}
),

final as (
    select
        allocated.billing_period,
        allocated.account_id,
        coalesce(allocated.cost_center, 'unattributed') as cost_center,
        coalesce(allocated.team, 'unattributed') as team,
        allocated.app,
        sum(allocated.estimated_cost_usd) as estimated_cost_usd,
        sum(allocated.net_cost_usd) as net_cost_usd,
        sum(allocated.net_cost_usd) - sum(allocated.estimated_cost_usd) as difference_usd,
        sum(allocated.billed_cost_usd) as billed_cost_usd,
        sum(allocated.discount_usd) as discount_usd,
        sum(allocated.credit_usd) as credit_usd,
        -- the gross of each kind: the app's own tokens, then the shared charges (a kind of
        -- seeds/cur_line_kinds.csv without a column here still counts in shared_cost_usd: a test says so)
        sum(case when allocated.charge_kind = 'token' then allocated.billed_cost_usd else 0 end) as token_usd,
        sum(case when allocated.charge_kind not in ('token', 'discount', 'credit', 'refund') then allocated.billed_cost_usd else 0 end)
            as shared_cost_usd,
        sum(case when allocated.charge_kind = 'provisioned_throughput' then allocated.billed_cost_usd else 0 end)
            as provisioned_throughput_usd,
        sum(case when allocated.charge_kind = 'batch' then allocated.billed_cost_usd else 0 end) as batch_usd,
        sum(case when allocated.charge_kind = 'mantle' then allocated.billed_cost_usd else 0 end) as mantle_usd,
        sum(case when allocated.charge_kind = 'claude_platform' then allocated.billed_cost_usd else 0 end) as claude_platform_usd,
        sum(case when allocated.charge_kind = 'guardrails' then allocated.billed_cost_usd else 0 end) as guardrails_usd,
        sum(case when allocated.charge_kind = 'knowledge_bases' then allocated.billed_cost_usd else 0 end) as knowledge_bases_usd,
        sum(case when allocated.charge_kind = 'flows' then allocated.billed_cost_usd else 0 end) as flows_usd,
        sum(case when allocated.charge_kind = 'agentcore' then allocated.billed_cost_usd else 0 end) as agentcore_usd,
        sum(case when allocated.charge_kind = 'data_automation' then allocated.billed_cost_usd else 0 end) as data_automation_usd,
        sum(case when allocated.charge_kind = 'evaluations' then allocated.billed_cost_usd else 0 end) as evaluations_usd,
        sum(case when allocated.charge_kind = 'customization' then allocated.billed_cost_usd else 0 end) as customization_usd,
        sum(case when allocated.charge_kind = 'other_non_token' then allocated.billed_cost_usd else 0 end) as other_non_token_usd,
        sum(case when allocated.charge_kind = 'unclassified' then allocated.billed_cost_usd else 0 end) as unclassified_usd,
        sum(case when allocated.charge_kind = 'tax' then allocated.billed_cost_usd else 0 end) as tax_usd
    from allocated
    group by 1, 2, 3, 4, 5
)

select * from final
