{#- Are we on budget? Each app's month and its forecasts (int_app_month_forecasts), with the alert
    thresholds of app_budgets.csv crossed, now and by the trailing-7-day forecast, and a status. -#}

with

forecasts as (
    select * from {{ ref('int_app_month_forecasts') }}
),

thresholds as (
    select * from {{ ref('stg_seeds__app_budget_thresholds') }}
    where threshold_pct is not null
),

crossings as (
    select
        forecasts.app,
        forecasts.month_start_date,
        max(case when forecasts.pct_of_budget >= thresholds.threshold_pct then thresholds.threshold_pct end)
            as highest_threshold_crossed_pct,
        max(case when forecasts.forecast_pct_of_budget >= thresholds.threshold_pct then thresholds.threshold_pct end)
            as forecast_threshold_crossed_pct
    from forecasts
    left join thresholds
        on forecasts.app = thresholds.app
    group by forecasts.app, forecasts.month_start_date
),

final as (
    select
        forecasts.app,
        forecasts.month_start_date,
        forecasts.through_date,
        forecasts.is_current_month,
        forecasts.monthly_budget_usd,
        forecasts.alert_thresholds_pct,
        forecasts.days_in_month,
        forecasts.days_elapsed,
        forecasts.days_observed,
        forecasts.days_remaining,
        forecasts.mtd_cost_usd,
        forecasts.unpriced_request_count,
        forecasts.pct_of_budget,
        forecasts.run_rate_forecast_usd,
        forecasts.trailing_days_observed as trailing_7d_days_observed,
        forecasts.trailing_7d_daily_usd,
        forecasts.trailing_7d_forecast_usd,
        forecasts.forecast_pct_of_budget,
        forecasts.budget_exceeded_date,
        forecasts.projected_exceed_date,
        crossings.highest_threshold_crossed_pct,
        crossings.forecast_threshold_crossed_pct,
        case
            when forecasts.monthly_budget_usd is null then 'no_budget'
            when forecasts.mtd_cost_usd >= forecasts.monthly_budget_usd then 'over_budget'
            when crossings.highest_threshold_crossed_pct is not null then 'over_threshold'
            when forecasts.trailing_7d_forecast_usd >= forecasts.monthly_budget_usd then 'forecast_over_budget'
            else 'on_track'
        end as budget_status
    from forecasts
    inner join crossings
        on forecasts.app = crossings.app
        and forecasts.month_start_date = crossings.month_start_date
)

select * from final
