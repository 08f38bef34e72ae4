{#- The alert thresholds of app_budgets.csv as numbers, parsed once: one row per app and threshold
    ('80;100' gives 80 and 100; up to 10 per app). A threshold that is not a number keeps its row,
    with a NULL threshold_pct, and a test warns naming it. -#}

with

app_budgets as (
    select * from {{ ref('stg_seeds__app_budgets') }}
),

positions as (
    select positions.threshold_position
    from (values (1), (2), (3), (4), (5), (6), (7), (8), (9), (10)) as positions (threshold_position)
),

split as (
    -- split_part gives '' (DuckDB) or NULL (Trino, Athena) past the last threshold
    select
        app_budgets.app,
        positions.threshold_position,
        nullif(trim(split_part(app_budgets.alert_thresholds_pct, ';', positions.threshold_position)), '')
            as threshold_text
    from app_budgets
    cross join positions
),

final as (
    select
        split.app,
        split.threshold_position,
        split.threshold_text,
        try_cast(split.threshold_text as double) as threshold_pct
    from split
    where split.threshold_text is not null
)

select * from final
