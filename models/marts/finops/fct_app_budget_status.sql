-- depends_on: {{ ref('fct_daily_app_cost') }}
{%- set as_of = bedrock_costs.finops_as_of_date() %}
{%- set months = [bedrock_costs.finops_var('bedrock_costs_budget_months'), 1] | max %}
{%- set first_month = 'cast(' ~ dbt.dateadd('month', 1 - months, dbt.date_trunc('month', as_of)) ~ ' as date)' %}

with

daily_app_cost as (
    -- the months kept, and the 6 days before them (the first month's trailing-7-day window)
    select * from {{ ref('fct_daily_app_cost') }}
    where
        usage_date >= cast({{ dbt.dateadd('day', -6, first_month) }} as date)
        and usage_date <= {{ as_of }}
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

app_daily as (
    select
        daily_app_cost.app,
        daily_app_cost.usage_date,
        coalesce(sum(daily_app_cost.cost_usd), 0) as cost_usd,
        sum(daily_app_cost.unpriced_request_count) as unpriced_request_count
    from daily_app_cost
    group by daily_app_cost.app, daily_app_cost.usage_date
),

data_start as (
    select min(app_daily.usage_date) as first_usage_date
    from app_daily
),

months as (
    select distinct cast({{ dbt.date_trunc('month', 'app_daily.usage_date') }} as date) as month_start_date
    from app_daily
    where app_daily.usage_date >= {{ first_month }}
),

month_ends as (
    select
        months.month_start_date,
        cast({{ dbt.last_day('months.month_start_date', 'month') }} as date) as month_end_date
    from months
),

month_bounds as (
    -- a past month is counted to its end, the as-of month to the as-of date
    select
        month_ends.month_start_date,
        month_ends.month_end_date,
        case
            when month_ends.month_end_date < {{ as_of }} then month_ends.month_end_date
            else {{ as_of }}
        end as through_date,
        case
            when data_start.first_usage_date > month_ends.month_start_date then data_start.first_usage_date
            else month_ends.month_start_date
        end as observed_from_date
    from month_ends
    cross join data_start
),

trailing_offsets as (
    {%- for day_offset in range(7) %}
        select {{ day_offset }} as day_offset{{ ' union all' if not loop.last }}
    {%- endfor %}
),

trailing_days as (
    select
        month_bounds.month_start_date,
        cast({{ dbt.dateadd('day', '-trailing_offsets.day_offset', 'month_bounds.through_date') }} as date) as trailing_date
    from month_bounds
    cross join trailing_offsets
),

trailing_coverage as (
    -- the days of the trailing window the data covers (fewer than 7 right after it starts)
    select
        trailing_days.month_start_date,
        count(*) as trailing_days_observed
    from trailing_days
    cross join data_start
    where trailing_days.trailing_date >= data_start.first_usage_date
    group by trailing_days.month_start_date
),

periods as (
    select
        month_bounds.month_start_date,
        month_bounds.month_end_date,
        month_bounds.through_date,
        day(month_bounds.month_end_date) as days_in_month,
        day(month_bounds.through_date) as days_elapsed,
        day(month_bounds.through_date) - day(month_bounds.observed_from_date) + 1 as days_observed,
        day(month_bounds.month_end_date) - day(month_bounds.through_date) as days_remaining,
        cast({{ dbt.dateadd('day', -6, 'month_bounds.through_date') }} as date) as trailing_start_date,
        coalesce(trailing_coverage.trailing_days_observed, 0) as trailing_days_observed
    from month_bounds
    left join trailing_coverage
        on month_bounds.month_start_date = trailing_coverage.month_start_date
),

apps as (
    select budgets.app from budgets
    union
    select app_daily.app from app_daily
    where app_daily.usage_date >= {{ first_month }}
),

app_periods as (
    select
        apps.app,
        periods.*
    from apps
    cross join periods
),

spend as (
    select
        app_periods.app,
        app_periods.month_start_date,
        coalesce(sum(
            case when app_daily.usage_date >= app_periods.month_start_date then app_daily.cost_usd end
        ), 0) as mtd_cost_usd,
        coalesce(sum(
            case when app_daily.usage_date >= app_periods.month_start_date then app_daily.unpriced_request_count end
        ), 0) as unpriced_request_count,
        coalesce(sum(
            case when app_daily.usage_date >= app_periods.trailing_start_date then app_daily.cost_usd end
        ), 0) as trailing_7d_cost_usd
    from app_periods
    left join app_daily
        on app_periods.app = app_daily.app
        and app_periods.through_date >= app_daily.usage_date
        and (
            app_periods.month_start_date <= app_daily.usage_date
            or app_periods.trailing_start_date <= app_daily.usage_date
        )
    group by app_periods.app, app_periods.month_start_date
),

cumulative as (
    select
        app_periods.app,
        app_periods.month_start_date,
        app_daily.usage_date,
        sum(app_daily.cost_usd) over (
            partition by app_periods.app, app_periods.month_start_date
            order by app_daily.usage_date
            rows between unbounded preceding and current row
        ) as cumulative_cost_usd
    from app_periods
    inner join app_daily
        on app_periods.app = app_daily.app
        and app_periods.month_start_date <= app_daily.usage_date
        and app_periods.through_date >= app_daily.usage_date
),

exceeded as (
    -- the first day month-to-date spend reached the budget
    select
        cumulative.app,
        cumulative.month_start_date,
        min(cumulative.usage_date) as budget_exceeded_date
    from cumulative
    inner join budgets
        on cumulative.app = budgets.app
    where cumulative.cumulative_cost_usd >= budgets.monthly_budget_usd
    group by cumulative.app, cumulative.month_start_date
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
        spend.mtd_cost_usd,
        spend.unpriced_request_count,
        spend.mtd_cost_usd
        + spend.mtd_cost_usd / nullif(app_periods.days_observed, 0) * app_periods.days_remaining as run_rate_forecast_usd,
        app_periods.trailing_days_observed as trailing_7d_days_observed,
        spend.trailing_7d_cost_usd / nullif(app_periods.trailing_days_observed, 0) as trailing_7d_daily_usd,
        exceeded.budget_exceeded_date
    from app_periods
    inner join spend
        on app_periods.app = spend.app
        and app_periods.month_start_date = spend.month_start_date
    left join budgets
        on app_periods.app = budgets.app
    left join exceeded
        on app_periods.app = exceeded.app
        and app_periods.month_start_date = exceeded.month_start_date
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
