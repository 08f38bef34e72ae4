{{ config(enabled=bedrock_costs.bill_enabled()) }}
{#- The models whose catalog list price the bill calls stale in a billing period, each from its first
    stale day (which may fall in an earlier period). -#}

with

price_check as (
    select * from {{ bedrock_costs.view_ref('fct_bill_catalog_price_check') }}
),

stale as (
    select
        billing_period,
        model_id,
        usage_date
    from price_check
    where status = 'stale'
),

periods as (
    select distinct
        billing_period,
        model_id
    from stale
),

final as (
    select
        periods.billing_period,
        periods.model_id,
        min(stale.usage_date) as stale_from_date
    from periods
    inner join stale
        on periods.model_id = stale.model_id
        and periods.billing_period >= stale.billing_period
    group by periods.billing_period, periods.model_id
)

select * from final
