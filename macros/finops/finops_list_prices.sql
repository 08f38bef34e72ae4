{#- The list prices in force at the end of the as-of day (`as_of` is a SQL date expression), one
    row per (model_id, price_scope), with the cache-write rate of bedrock_costs_cache_write_ttl.
    The FinOps what-if and cache marts price token mixes with these, so both sides of a
    comparison use the same, current price list. -#}
{% macro finops_list_prices(as_of) -%}
    {%- set cache_write_price = 'cache_write_1h_usd_per_mtok' if var('bedrock_costs_cache_write_ttl') == '1h' else 'cache_write_usd_per_mtok' %}
    select
        model_pricing.model_id,
        model_pricing.price_scope,
        model_pricing.input_usd_per_mtok,
        model_pricing.output_usd_per_mtok,
        model_pricing.cache_read_usd_per_mtok,
        model_pricing.{{ cache_write_price }} as cache_write_usd_per_mtok
    from {{ ref('model_pricing') }} as model_pricing
    where
        model_pricing.effective_from < cast({{ dbt.dateadd('day', 1, as_of) }} as timestamp)
        and (
            model_pricing.effective_to is null
            or model_pricing.effective_to >= cast({{ dbt.dateadd('day', 1, as_of) }} as timestamp)
        )
{%- endmacro %}


{#- The USD cost of `tokens` at `usd_per_mtok`: 0 without tokens, NULL with tokens but no rate
    (the rule int_invocations_priced applies to every call). -#}
{% macro finops_token_cost(tokens, usd_per_mtok) -%}
    case when {{ tokens }} = 0 then 0 else {{ tokens }} * {{ usd_per_mtok }} / 1e6 end
{%- endmacro %}
