{#- Fails naming every model with tokens but no price, with the fix for each, while every mart is
    still built (this test runs after them). Costs stay NULL, never 0. Each row's `message` is an
    `UNPRICED:` line (printed by the on-run-end hook); the rows and their fixes are the model
    audit_unpriced_usage (which `bedrock-costs notify` alerts on too).
    bedrock_costs_fail_on_unpriced: false turns the failure into a warning. -#}
{{ config(severity=('error' if var('bedrock_costs_fail_on_unpriced') | string | lower == 'true' else 'warn')) }}
-- depends_on: {{ ref('fct_daily_app_cost') }}
-- depends_on: {{ ref('fct_daily_caller_cost') }}
-- depends_on: {{ ref('fct_daily_app_caller_cost') }}

select
    unpriced_model,
    price_scope,
    aws_region,
    request_count,
    total_tokens,
    first_date,
    last_date,
    message
from {{ ref('audit_unpriced_usage') }}
