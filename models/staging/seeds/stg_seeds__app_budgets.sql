{#- seeds/app_budgets.csv, cleaned once: the app trimmed (it must equal the app tag), the budget a
    double, the thresholds and e-mails trimmed text (as text whatever type a replacing seed infers: an
    empty column is read as a number). The thresholds are parsed into numbers by
    stg_seeds__app_budget_thresholds. -#}

with

app_budgets as (
    select * from {{ ref('app_budgets') }}
),

cleaned as (
    select
        nullif(trim(cast(app_budgets.app as varchar)), '') as app,
        cast(app_budgets.monthly_usd as double) as monthly_budget_usd,
        nullif(trim(cast(app_budgets.alert_thresholds_pct as varchar)), '') as alert_thresholds_pct,
        nullif(trim(cast(app_budgets.subscriber_emails as varchar)), '') as subscriber_emails
    from app_budgets
)

select * from cleaned
