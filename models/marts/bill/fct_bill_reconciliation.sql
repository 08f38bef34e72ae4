{#- One row per usage_date x account x region x model x token type: the logs at list price next to
    the bill (CUR 2.0), with the difference's status. The causes of each difference are in
    int_bill_cells_compared and, per billing period, fct_bill_variance_by_cause. -#}

with

cells as (
    select * from {{ ref('int_bill_cells_compared') }}
),

summed as (
    select
        cells.billing_period,
        cells.account_id,
        cells.aws_region,
        cells.model_id,
        cells.token_type,
        sum(cells.log_tokens) as log_tokens,
        sum(cells.bill_tokens) as bill_tokens,
        sum(cells.estimated_cost_usd) as estimated_cost_usd,
        sum(cells.billed_cost_usd) as billed_cost_usd,
        sum(cells.discount_usd) as discount_usd,
        sum(cells.credit_usd) as credit_usd,
        sum(cells.net_cost_usd) as net_cost_usd,
        sum(cells.token_gap_usd) as token_gap_usd,
        sum(cells.price_difference_usd) as price_difference_usd,
        sum(cells.not_yet_billed_usd) as not_yet_billed_usd,
        max(case when cells.is_pending then 1 else 0 end) = 1 as is_pending,
        cells.usage_date
    from cells
    group by
        cells.billing_period,
        cells.usage_date,
        cells.account_id,
        cells.aws_region,
        cells.model_id,
        cells.token_type
),

final as (
    select
        summed.billing_period,
        summed.account_id,
        summed.aws_region,
        summed.model_id,
        summed.token_type,
        summed.log_tokens,
        summed.bill_tokens,
        summed.bill_tokens - summed.log_tokens as token_difference,
        summed.estimated_cost_usd,
        summed.billed_cost_usd,
        summed.net_cost_usd,
        summed.discount_usd,
        summed.credit_usd,
        case when not summed.is_pending then summed.billed_cost_usd - summed.estimated_cost_usd end as variance_usd,
        case
            when not summed.is_pending and summed.estimated_cost_usd <> 0
                then 100.0 * (summed.billed_cost_usd - summed.estimated_cost_usd) / summed.estimated_cost_usd
        end as variance_pct,
        summed.token_gap_usd,
        summed.price_difference_usd,
        summed.not_yet_billed_usd,
        case
            when summed.is_pending then 'pending'
            when summed.bill_tokens = 0 and summed.billed_cost_usd = 0 and summed.log_tokens > 0 then 'not_in_bill'
            when summed.log_tokens = 0 and (summed.bill_tokens > 0 or summed.billed_cost_usd <> 0) then 'not_in_logs'
            when
                abs(summed.billed_cost_usd - summed.estimated_cost_usd) <= greatest(
                    {{ var('bedrock_costs_bill_tolerance_usd', 0.01) }},
                    {{ var('bedrock_costs_bill_tolerance_pct', 1.0) }} / 100.0 * abs(summed.billed_cost_usd)
                )
                then 'reconciled'
            else 'variance'
        end as status,
        summed.usage_date
    from summed
)

select * from final
