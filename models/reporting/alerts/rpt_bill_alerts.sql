{{ config(enabled=bedrock_costs.bill_enabled()) }}
{#- The bill's alerts (with a CUR 2.0 export only): per billing period, account, Region and model,
    the reconciliation cells whose bill differs from the estimate beyond the tolerance (`variance`)
    or that the logs never saw (`not_in_logs`), when together they differ by more than
    bedrock_costs_bill_tolerance_usd. The fix follows the bigger part of the difference: token
    counts (logging off or incomplete) or unit prices (a stale catalog). In the shape of
    rpt_alert_candidates, which adds them to the other alerts. -#}

with

bill_cells as (
    select * from {{ bedrock_costs.view_ref('fct_bill_reconciliation') }}
    where status in ('variance', 'not_in_logs')
),

bill_differences as (
    select
        billing_period,
        account_id,
        aws_region,
        model_id,
        sum(estimated_cost_usd) as estimated_cost_usd,
        sum(billed_cost_usd) as billed_cost_usd,
        sum(variance_usd) as variance_usd,
        sum(token_gap_usd) as token_gap_usd,
        sum(price_difference_usd) as price_difference_usd,
        count(*) as cell_count,
        min(usage_date) as first_date,
        max(usage_date) as last_date
    from bill_cells
    group by billing_period, account_id, aws_region, model_id
),

final as (
    select
        'bill_variance' as alert_kind,
        'account' as entity_type,
        account_id || ' ' || coalesce(aws_region, '-') || ' ' || coalesce(model_id, '-') as entity_key,
        account_id || ' ' || coalesce(aws_region, '-') || ' ' || coalesce(model_id, '-') as entity_name,
        substr(cast(billing_period as varchar), 1, 7) as alert_window,
        cast(null as varchar) as app,
        cast(null as varchar) as team,
        cast(null as varchar) as cost_center,
        cast(null as varchar) as caller_arn,
        cast(null as varchar) as caller_name,
        model_id,
        variance_usd as amount_usd,
        cast(null as bigint) as request_count,
        first_date,
        last_date,
        'the bill for ' || coalesce(model_id, '-') || ' in account ' || account_id || ' '
        || coalesce(aws_region, '-') || ' differs from the log estimate by $'
        || {{ bedrock_costs.decimal_text('variance_usd') }} || ' ($'
        || {{ bedrock_costs.decimal_text('billed_cost_usd') }} || ' billed, $'
        || {{ bedrock_costs.decimal_text('estimated_cost_usd') }} || ' estimated) in '
        || cast(cell_count as varchar) || ' day and token type cell(s), '
        || cast(first_date as varchar) || ' to ' || cast(last_date as varchar) as finding,
        case
            when abs(token_gap_usd) >= abs(price_difference_usd)
                then
                    'the bill and the logs count different tokens: check that invocation logging is on, and '
                    || 'its logs complete, in that account and Region (bedrock-costs validate)'
            else
                'the bill''s unit price differs from seeds/model_pricing.csv: run `bedrock-costs sync-prices`, '
                || 'add the dated row it names, then rebuild'
        end as fix,
        'bill-' || substr(cast(billing_period as varchar), 1, 7) as report_section,
        cast(null as date) as expires_on
    from bill_differences
    where abs(variance_usd) > {{ var('bedrock_costs_bill_tolerance_usd') }}
)

select * from final
