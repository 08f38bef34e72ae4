{#- The budgets' forecasts: each app's month (int_app_month_spend) against its budget, projected to
    month end at the month's run rate and at the trailing 7 days' rate, with the day the budget was
    (or at the trailing rate will be, within the month) exceeded. -#}

with

app_months as (
    select * from {{ ref('int_app_month_spend') }}
),

budgets as (
    select * from {{ ref('stg_seeds__app_budgets') }}
),

rates as (
    select
        app_months.*,
        budgets.monthly_budget_usd,
        budgets.alert_thresholds_pct,
        100 * app_months.mtd_cost_usd / budgets.monthly_budget_usd as pct_of_budget,
        app_months.mtd_cost_usd + app_months.mtd_cost_usd / nullif(app_months.days_observed, 0) * app_months.days_remaining
            as run_rate_forecast_usd,
        app_months.trailing_7d_cost_usd / nullif(app_months.trailing_days_observed, 0) as trailing_7d_daily_usd
    from app_months
    left join budgets
        on app_months.app = budgets.app
),

forecasts as (
    select
        rates.*,
        rates.mtd_cost_usd + rates.trailing_7d_daily_usd * rates.days_remaining as trailing_7d_forecast_usd,
        case
            when rates.trailing_7d_daily_usd > 0 and rates.mtd_cost_usd < rates.monthly_budget_usd
                then cast(ceiling((rates.monthly_budget_usd - rates.mtd_cost_usd) / rates.trailing_7d_daily_usd) as integer)
        end as days_to_exceed
    from rates
),

final as (
    select
        forecasts.*,
        100 * forecasts.trailing_7d_forecast_usd / forecasts.monthly_budget_usd as forecast_pct_of_budget,
        case
            when forecasts.monthly_budget_usd is null then null
            when forecasts.budget_exceeded_date is not null then forecasts.budget_exceeded_date
            when forecasts.days_to_exceed <= forecasts.days_remaining
                then cast({{ dbt.dateadd('day', 'forecasts.days_to_exceed', 'forecasts.through_date') }} as date)
        end as projected_exceed_date
    from forecasts
)

select * from final  -- noqa: AM04
