{#- The one token-cost rule: the USD cost of `tokens` at `usd_per_mtok` (USD per 1M tokens). 0 without
    tokens; NULL with tokens but no rate, so an unpriced call is never a silent $0. -#}
{% macro token_cost(tokens, usd_per_mtok) -%}
    case when ({{ tokens }}) = 0 then 0 else ({{ tokens }}) * {{ usd_per_mtok }} / 1e6 end
{%- endmacro %}


{#- Its inverse, the one unit-price rule: USD per 1M tokens of `cost_usd` over `tokens`; NULL without
    tokens (a unit price of nothing is no price). -#}
{% macro usd_per_mtok(cost_usd, tokens) -%}
    case when ({{ tokens }}) > 0 then ({{ cost_usd }}) * 1e6 / ({{ tokens }}) end
{%- endmacro %}
