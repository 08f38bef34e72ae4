{#- The standard-tier list prices in force at the end of the as-of day (`as_of`, a SQL date
    expression: its last second, the catalog's finest step), one row per (model_id, price_scope,
    aws_region), from int_model_prices, the rates of int_model_rates. The FinOps marts price token
    mixes with these, so both sides of a comparison use the same, current price list. -#}
{% macro finops_list_prices(as_of) -%}
    {%- set end_of_day = dbt.dateadd('second', -1, 'cast(' ~ dbt.dateadd('day', 1, as_of) ~ ' as timestamp)') -%}
    select
        model_prices.model_id,
        model_prices.price_scope,
        model_prices.aws_region,
        model_prices.input_usd_per_mtok,
        model_prices.output_usd_per_mtok,
        model_prices.cache_read_usd_per_mtok,
        model_prices.cache_write_usd_per_mtok
    from {{ ref('int_model_prices') }} as model_prices
    where
        model_prices.context_tier = 'standard'
        and {{ bedrock_costs.rate_in_force('model_prices', end_of_day) }}
{%- endmacro %}
