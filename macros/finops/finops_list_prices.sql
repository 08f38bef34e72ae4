{#- The standard-tier list prices in force at the end of the as-of day (`as_of`, a SQL date
    expression), one row per (model_id, price_scope, aws_region), from int_model_prices, the one
    home of price. The FinOps marts price token mixes with these, so both sides of a comparison use
    the same, current price list. -#}
{% macro finops_list_prices(as_of) -%}
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
        and model_prices.effective_from < cast({{ dbt.dateadd('day', 1, as_of) }} as timestamp)
        and (
            model_prices.effective_to is null
            or model_prices.effective_to >= cast({{ dbt.dateadd('day', 1, as_of) }} as timestamp)
        )
{%- endmacro %}
