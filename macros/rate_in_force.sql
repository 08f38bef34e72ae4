{#- The one rule of time for a price: the row of `rates` (an int_model_rates or int_model_prices
    alias) in force at the UTC timestamp `at`, from valid_from (inclusive) to valid_to (exclusive;
    never NULL, so the join stays a hash join on the equalities with two range filters, no OR).
    Per-call pricing, the FinOps list prices and every bill model use it. -#}
{% macro rate_in_force(rates, at) -%}
    {{ rates }}.valid_from <= {{ at }} and {{ at }} < {{ rates }}.valid_to
{%- endmacro %}
