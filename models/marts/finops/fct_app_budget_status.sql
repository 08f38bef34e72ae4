{#- Are we on budget? Each app's month against its budget (int_app_month_spend), with two forecasts
    to month end, the date the budget is (or is projected to be) exceeded, and the alert thresholds
    crossed. -#}
-- depends_on: {{ ref('fct_daily_app_cost') }}
{%- set as_of = bedrock_costs.finops_as_of_date() %}

with

app_periods as (
    select * from {{ ref('int_app_month_spend') }}
),

app_budgets as (
    select * from {{ ref('app_budgets') }}
),

budgets as (
    select
        app_budgets.app,
        cast(app_budgets.monthly_usd as double) as monthly_budget_usd,
        cast(app_budgets.alert_thresholds_pct as varchar) as alert_thresholds_pct
    from app_budgets
),

thresholds as (
    -- '80;100' -> 80, 100 (up to 10 thresholds per app; literal positions, as Trino's split_part needs)
    {%- for position in range(1, 11) %}
        select
            budgets.app,
            {{ dbt.safe_cast("nullif(trim(" ~ dbt.split_part('budgets.alert_thresholds_pct', "';'", position) ~ "), '')", 'double') }}
                as threshold_pct
        from budgets
        {{- ' union all' if not loop.last }}
    {%- endfor %}
),

forecasts as (
    select
        app_periods.app,
        budgets.monthly_budget_usd,
        budgets.alert_thresholds_pct,
        app_periods.month_start_date,
        app_periods.through_date,
        app_periods.month_start_date = cast({{ dbt.date_trunc('month', as_of) }} as date) as is_current_month,
        app_periods.days_in_month,
        app_periods.days_elapsed,
        app_periods.days_observed,
        app_periods.days_remaining,
        app_periods.mtd_cost_usd,
        app_periods.unpriced_request_count,
        app_periods.mtd_cost_usd
        + app_periods.mtd_cost_usd / nullif(app_periods.days_observed, 0) * app_periods.days_remaining
            as run_rate_forecast_usd,
        app_periods.trailing_days_observed as trailing_7d_days_observed,
        app_periods.trailing_7d_cost_usd / nullif(app_periods.trailing_days_observed, 0) as trailing_7d_daily_usd,
        app_periods.budget_exceeded_date
    from app_periods
    left join budgets
        on app_periods.app = budgets.app
),

projected as (
    select
        forecasts.*,
        forecasts.mtd_cost_usd
        + forecasts.trailing_7d_daily_usd * forecasts.days_remaining as trailing_7d_forecast_usd,
        100 * forecasts.mtd_cost_usd / forecasts.monthly_budget_usd as pct_of_budget,
        case
            when forecasts.trailing_7d_daily_usd > 0 and forecasts.mtd_cost_usd < forecasts.monthly_budget_usd
                then cast(ceiling((forecasts.monthly_budget_usd - forecasts.mtd_cost_usd) / forecasts.trailing_7d_daily_usd) as integer)
        end as days_to_exceed
    from forecasts
),

crossings as (
    select
        projected.app,
        projected.month_start_date,
        max(
            case when projected.pct_of_budget >= thresholds.threshold_pct then thresholds.threshold_pct end
        ) as highest_threshold_crossed_pct,
        max(
            case
                when 100 * projected.trailing_7d_forecast_usd / projected.monthly_budget_usd >= thresholds.threshold_pct
                    then thresholds.threshold_pct
            end
        ) as forecast_threshold_crossed_pct
    from projected
    left join thresholds
        on projected.app = thresholds.app
        and thresholds.threshold_pct is not null
    group by projected.app, projected.month_start_date
),

final as (
    select
        projected.app,
        projected.month_start_date,
        projected.through_date,
        projected.is_current_month,
        projected.monthly_budget_usd,
        projected.alert_thresholds_pct,
        projected.days_in_month,
        projected.days_elapsed,
        projected.days_observed,
        projected.days_remaining,
        projected.mtd_cost_usd,
        projected.unpriced_request_count,
        projected.pct_of_budget,
        projected.run_rate_forecast_usd,
        projected.trailing_7d_days_observed,
        projected.trailing_7d_daily_usd,
        projected.trailing_7d_forecast_usd,
        100 * projected.trailing_7d_forecast_usd / projected.monthly_budget_usd as forecast_pct_of_budget,
        projected.budget_exceeded_date,
        case
            when projected.monthly_budget_usd is null then null
            when projected.budget_exceeded_date is not null then projected.budget_exceeded_date
            when projected.days_to_exceed <= projected.days_remaining
                then cast({{ dbt.dateadd('day', 'projected.days_to_exceed', 'projected.through_date') }} as date)
        end as projected_exceed_date,
        crossings.highest_threshold_crossed_pct,
        crossings.forecast_threshold_crossed_pct,
        case
            when projected.monthly_budget_usd is null then 'no_budget'
            when projected.mtd_cost_usd >= projected.monthly_budget_usd then 'over_budget'
            when crossings.highest_threshold_crossed_pct is not null then 'over_threshold'
            when projected.trailing_7d_forecast_usd >= projected.monthly_budget_usd then 'forecast_over_budget'
            else 'on_track'
        end as budget_status
    from projected
    inner join crossings
        on projected.app = crossings.app
        and projected.month_start_date = crossings.month_start_date
)

select * from final
