{#- What a token mix costs at a list price: `mix` is the alias of a relation with input_tokens,
    output_tokens, cache_read_input_tokens and cache_write_input_tokens, `prices` the alias of a
    finops_list_prices row. NULL when a price the mix needs is missing (macros/token_cost.sql). -#}
{% macro finops_mix_cost(mix, prices) -%}
    {{ bedrock_costs.token_cost(mix ~ '.input_tokens', prices ~ '.input_usd_per_mtok') }}
    + {{ bedrock_costs.token_cost(mix ~ '.output_tokens', prices ~ '.output_usd_per_mtok') }}
    + {{ bedrock_costs.token_cost(mix ~ '.cache_read_input_tokens', prices ~ '.cache_read_usd_per_mtok') }}
    + {{ bedrock_costs.token_cost(mix ~ '.cache_write_input_tokens', prices ~ '.cache_write_usd_per_mtok') }}
{%- endmacro %}
