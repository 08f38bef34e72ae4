{{ config(enabled=bedrock_costs.bill_enabled()) }}
{#- The monthly chargeback as the summary, the report and `bedrock-costs chargeback` show it: one row
    per billing period, account, cost center, team and app (fct_bill_chargeback), the biggest first. -#}

with

chargeback as (
    select * from {{ bedrock_costs.view_ref('fct_bill_chargeback') }}
),

final as (
    select
        billing_period,
        account_id,
        cost_center,
        team,
        app,
        estimated_cost_usd,
        net_cost_usd,
        difference_usd,
        billed_cost_usd,
        discount_usd,
        credit_usd,
        token_usd,
        shared_cost_usd,
        provisioned_throughput_usd,
        batch_usd,
        mantle_usd,
        claude_platform_usd,
        guardrails_usd,
        knowledge_bases_usd,
        flows_usd,
        agentcore_usd,
        data_automation_usd,
        evaluations_usd,
        customization_usd,
        other_non_token_usd,
        unclassified_usd,
        tax_usd
    from chargeback
)

select * from final
