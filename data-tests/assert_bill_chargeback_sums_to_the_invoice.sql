{#- The chargeback is the invoice, shared: per billing period and usage account, fct_bill_chargeback's
    net cost sums to the net of every bill line (int_bill_lines_resolved) to the cent, and its rows'
    parts add up (the kinds to the gross, gross, discounts and credits to the net). Fails naming the
    period and account. -#}
{{ config(enabled=bedrock_costs.bill_enabled()) }}

with

chargeback as (
    select
        chargeback.billing_period,
        chargeback.account_id,
        sum(chargeback.net_cost_usd) as net_cost_usd,
        max(abs(chargeback.net_cost_usd - (chargeback.billed_cost_usd + chargeback.discount_usd + chargeback.credit_usd)))
        + max(abs(chargeback.billed_cost_usd - (chargeback.token_usd + chargeback.shared_cost_usd)))
        + max(abs(chargeback.shared_cost_usd - (
            chargeback.provisioned_throughput_usd + chargeback.batch_usd + chargeback.mantle_usd
            + chargeback.claude_platform_usd + chargeback.guardrails_usd + chargeback.knowledge_bases_usd
            + chargeback.flows_usd + chargeback.agentcore_usd + chargeback.data_automation_usd
            + chargeback.evaluations_usd + chargeback.customization_usd + chargeback.other_non_token_usd
            + chargeback.unclassified_usd + chargeback.tax_usd
        ))) as parts_gap_usd
    from {{ ref('fct_bill_chargeback') }} as chargeback
    group by chargeback.billing_period, chargeback.account_id
),

invoice as (
    select
        lines.billing_period,
        lines.account_id,
        sum(lines.net_cost_usd) as net_cost_usd
    from {{ ref('int_bill_lines_resolved') }} as lines
    group by lines.billing_period, lines.account_id
),

compared as (
    select
        coalesce(invoice.billing_period, chargeback.billing_period) as billing_period,
        coalesce(invoice.account_id, chargeback.account_id) as account_id,
        coalesce(invoice.net_cost_usd, 0) as invoice_net_usd,
        coalesce(chargeback.net_cost_usd, 0) as chargeback_net_usd,
        coalesce(chargeback.parts_gap_usd, 0) as parts_gap_usd
    from invoice
    full outer join chargeback
        on invoice.billing_period = chargeback.billing_period
        and invoice.account_id = chargeback.account_id
)

select
    compared.*,
    'CHARGEBACK OFF THE INVOICE: ' || cast(compared.billing_period as varchar) || ', account ' || compared.account_id
    || ': the chargeback sums to $' || {{ bedrock_costs.decimal_text('compared.chargeback_net_usd', 2) }}
    || ' net, the invoice is $' || {{ bedrock_costs.decimal_text('compared.invoice_net_usd', 2) }}
    || ' (parts off by $' || {{ bedrock_costs.decimal_text('compared.parts_gap_usd', 4) }}
    || ') - a charge kind without a column in fct_bill_chargeback, or a line no allocation step takes' as message
from compared
where abs(compared.invoice_net_usd - compared.chargeback_net_usd) >= 0.005 or compared.parts_gap_usd >= 0.005
