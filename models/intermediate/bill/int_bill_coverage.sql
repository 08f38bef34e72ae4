{{ config(materialized='view') }}

{#- The one home of "which days can the bill hold yet": one row with the newest usage day of the
    bill (its CUR lag starts the day after), the first day the bill models compare, and the payer.
    A day after pending_after_date is pending: AWS delivers cost data up to 24 hours late and
    restates it, so bedrock_costs_bill_settle_days also holds back the bill's newest days. -#}

with

lines as (
    select * from {{ ref('stg_cur__bedrock_lines') }}
),

coverage as (
    select
        max(case when lines.charge_category = 'usage' then lines.usage_date end) as bill_through_date,
        min(lines.billing_period) as first_billing_period,
        max(lines.payer_account_id) as payer_account_id,
        count(*) as bill_line_count
    from lines
),

final as (
    select
        coverage.bill_through_date,
        cast({{ dbt.dateadd('day', -1 * (var('bedrock_costs_bill_settle_days', 0) | int), 'coverage.bill_through_date') }} as date)
            as pending_after_date,
        coverage.first_billing_period,
        coverage.payer_account_id,
        coverage.bill_line_count
    from coverage
)

select * from final
