{{ config(enabled=bedrock_costs.bill_enabled()) }}
{#- One row per billing period of fct_bill_reconciliation: its days, how far the bill reaches into
    it, and its reconciliation cells by status (the status line under each waterfall). -#}

with

reconciliation as (
    select * from {{ bedrock_costs.view_ref('fct_bill_reconciliation') }}
),

final as (
    select
        billing_period,
        min(usage_date) as first_usage_date,
        max(usage_date) as last_usage_date,
        max(case when status <> 'pending' then usage_date end) as bill_through_date,
        min(case when status = 'pending' then usage_date end) as first_pending_date,
        max(case when status = 'pending' then usage_date end) as last_pending_date,
        count(case when status = 'reconciled' then 1 end) as reconciled_count,
        count(case when status = 'variance' then 1 end) as variance_count,
        count(case when status = 'not_in_logs' then 1 end) as not_in_logs_count,
        count(case when status = 'not_in_bill' then 1 end) as not_in_bill_count,
        count(case when status = 'pending' then 1 end) as pending_count
    from reconciliation
    group by billing_period
)

select * from final
