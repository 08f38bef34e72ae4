{#- Warns naming each IAM caller whose billed token cost (line_item_iam_principal) differs from its
    log estimate by more than bedrock_costs_bill_caller_tolerance_usd in a billing period, and each
    caller the bill has that the logs never saw (fct_bill_caller_comparison). -#}
{{ config(enabled=bedrock_costs.bill_enabled(), severity='warn') }}

select
    callers.billing_period,
    callers.account_id,
    callers.caller_arn,
    callers.estimated_cost_usd,
    callers.billed_cost_usd,
    callers.status,
    'BILL CALLER DIFFERS: ' || callers.caller_arn || ' (account ' || callers.account_id || ', '
    || cast(callers.billing_period as varchar)
    || '): billed $' || {{ bedrock_costs.decimal_text('callers.billed_cost_usd', 2) }}
    || ', logs estimate $' || {{ bedrock_costs.decimal_text('callers.estimated_cost_usd', 2) }} || ' - '
    || case callers.status
        when 'not_in_logs' then 'the logs never saw this caller: is invocation logging on in its account and region?'
        when 'not_in_bill' then 'the bill has no usage under this caller: an export without INCLUDE_IAM_PRINCIPAL_DATA?'
        else 'see fct_bill_reconciliation for the days, models and causes'
    end as message
from {{ ref('fct_bill_caller_comparison') }} as callers
where callers.status in ('differs', 'not_in_logs', 'not_in_bill')
