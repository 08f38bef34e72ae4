{#- The standard-tier list prices in force at the end of the as-of day, one row per model, price
    scope and Region (macros/finops/finops_list_prices.sql, a filter over int_model_prices). The
    FinOps marts price token mixes with these, so both sides of a comparison use the same price list. -#}

with

calendar as (
    select * from {{ ref('int_finops_calendar') }}
),

list_prices as (
    {{ bedrock_costs.finops_list_prices('(select calendar.as_of_date from calendar)') }}
)

select * from list_prices
