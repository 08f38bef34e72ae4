{#- Where the bill knows more, 1: the bill's IAM principals (line_item_iam_principal, CUR 2.0
    with INCLUDE_IAM_PRINCIPAL_DATA) against the callers of the logs, per billing period, account
    and caller: billed token cost next to the log estimate, over the days the bill holds (pending
    days left out). A caller the logs never saw (logging off, a region without logging) is
    `not_in_logs`; token lines without a principal (an export without the option, usage before
    2026-04-08) are one `no_principal` row per account. -#}

with

coverage as (
    select * from {{ ref('int_bill_coverage') }}
),

log_side as (
    select
        log_tokens.billing_period,
        log_tokens.account_id,
        log_tokens.caller_arn,
        sum(log_tokens.log_tokens) as log_tokens,
        sum(log_tokens.estimated_cost_usd) as estimated_cost_usd,
        cast(0 as bigint) as bill_tokens,
        cast(0 as double) as billed_cost_usd,
        0 as bill_line_count
    from {{ ref('int_bill_log_tokens_summed') }} as log_tokens
    where not log_tokens.is_pending
    group by log_tokens.billing_period, log_tokens.account_id, log_tokens.caller_arn
),

bill_side as (
    select
        bill_lines.billing_period,
        bill_lines.account_id,
        bill_lines.iam_principal_arn as caller_arn,
        cast(0 as bigint) as log_tokens,
        cast(0 as double) as estimated_cost_usd,
        sum(coalesce(bill_lines.billed_tokens, 0)) as bill_tokens,
        sum(bill_lines.gross_cost_usd) as billed_cost_usd,
        count(*) as bill_line_count
    from {{ ref('int_bill_lines_resolved') }} as bill_lines
    inner join coverage
        on bill_lines.usage_date = coverage.usage_date
    where
        bill_lines.usage_kind = 'token'
        and bill_lines.charge_category in ('usage', 'other')
        and not coverage.is_pending
    group by bill_lines.billing_period, bill_lines.account_id, bill_lines.iam_principal_arn
),

callers as (
    select
        both_sides.billing_period,
        both_sides.account_id,
        both_sides.caller_arn,
        sum(both_sides.log_tokens) as log_tokens,
        sum(both_sides.bill_tokens) as bill_tokens,
        sum(both_sides.estimated_cost_usd) as estimated_cost_usd,
        sum(both_sides.billed_cost_usd) as billed_cost_usd,
        sum(both_sides.bill_line_count) as bill_line_count
    from (
        select * from log_side
        union all
        select * from bill_side
    ) as both_sides
    group by both_sides.billing_period, both_sides.account_id, both_sides.caller_arn
),

final as (
    select
        callers.billing_period,
        callers.account_id,
        callers.caller_arn,
        callers.log_tokens,
        callers.bill_tokens,
        callers.estimated_cost_usd,
        callers.billed_cost_usd,
        callers.billed_cost_usd - callers.estimated_cost_usd as difference_usd,
        case
            when callers.caller_arn is null then 'no_principal'
            when callers.log_tokens = 0 then 'not_in_logs'
            when callers.bill_line_count = 0 then 'not_in_bill'
            when abs(callers.billed_cost_usd - callers.estimated_cost_usd) <= {{ var('bedrock_costs_bill_caller_tolerance_usd', 0.01) }}
                then 'matches'
            else 'differs'
        end as status
    from callers
)

select * from final
