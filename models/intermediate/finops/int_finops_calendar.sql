{#- The FinOps calendar, one row: the day every FinOps model reports "as of" (the var
    bedrock_costs_as_of_date, else the data's last usage_date) and the windows they read, from the
    vars of dbt_project.yml. Ephemeral: compiled into each reader, so a run with other vars (or a
    run of one mart) never reads a calendar built under other settings. -#}

with

usage_days as (
    select
        min(hourly_usage.usage_date) as first_usage_date,
        max(hourly_usage.usage_date) as last_usage_date
    from {{ ref('int_hourly_usage') }} as hourly_usage
),

settings as (
    -- each span at least one day (or month)
    select
        usage_days.first_usage_date,
        coalesce({{ bedrock_costs.finops_date('bedrock_costs_as_of_date') }}, usage_days.last_usage_date) as as_of_date,
        greatest({{ bedrock_costs.finops_number('bedrock_costs_finops_window_days') | int }}, 1) as window_days,
        greatest({{ bedrock_costs.finops_number('bedrock_costs_budget_months') | int }}, 1) as budget_months,
        greatest({{ bedrock_costs.finops_number('bedrock_costs_anomaly_detect_days') | int }}, 1) as anomaly_detect_days,
        greatest({{ bedrock_costs.finops_number('bedrock_costs_anomaly_baseline_days') | int }}, 1) as anomaly_baseline_days
    from usage_days
),

months as (
    select
        settings.*,
        cast(date_trunc('month', settings.as_of_date) as date) as as_of_month_start_date,
        cast({{ dbt.dateadd('month', '1 - settings.budget_months', "date_trunc('month', settings.as_of_date)") }} as date)
            as budget_start_date
    from settings
),

final as (
    select
        months.*,
        cast({{ dbt.dateadd('day', '1 - months.window_days', 'months.as_of_date') }} as date) as window_start_date,
        -- the first month's trailing 7 days may start before it
        cast(months.budget_start_date - interval '6' day as date) as budget_spend_start_date,
        cast({{ dbt.dateadd('day', '1 - months.anomaly_detect_days', 'months.as_of_date') }} as date)
            as anomaly_detect_start_date,
        -- the first detection day's baseline
        cast({{ dbt.dateadd('day', '1 - months.anomaly_detect_days - months.anomaly_baseline_days', 'months.as_of_date') }} as date)
            as anomaly_baseline_start_date
    from months
)

select * from final
