{#- The one home of "which days can the bill hold yet": one row per day either side has from the
    bill's first billing period on, with `is_pending`, the newest usage day of the bill (its CUR lag
    starts the day after) and the payer. A day after pending_after_date is pending: AWS delivers
    cost data up to 24 hours late and restates it, so bedrock_costs_bill_settle_days also holds
    back the bill's newest days. -#}

with

lines as (
    select * from {{ ref('stg_cur__bedrock_lines') }}
),

bill as (
    select
        max(case when lines.charge_category = 'usage' then lines.usage_date end) as bill_through_date,
        min(lines.billing_period) as first_billing_period,
        max(lines.payer_account_id) as payer_account_id,
        count(*) as bill_line_count
    from lines
),

settled as (
    select
        bill.*,
        cast({{ dbt.dateadd('day', -1 * (var('bedrock_costs_bill_settle_days', 0) | int), 'bill.bill_through_date') }} as date)
            as pending_after_date
    from bill
),

days as (
    select lines.usage_date from lines
    union
    select hourly_usage.usage_date
    from {{ ref('int_hourly_usage') }} as hourly_usage
    cross join bill
    where hourly_usage.usage_date >= bill.first_billing_period
),

final as (
    select
        days.usage_date,
        cast({{ dbt.date_trunc('month', 'days.usage_date') }} as date) as billing_period,
        coalesce(settled.pending_after_date is null or days.usage_date > settled.pending_after_date, false)
            as is_pending,
        settled.bill_through_date,
        settled.pending_after_date,
        settled.first_billing_period,
        settled.payer_account_id,
        settled.bill_line_count
    from days
    cross join settled
)

select * from final
