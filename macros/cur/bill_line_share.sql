{#- The one rule for a bill line's part that one allocated row takes: each of the line's amounts
    (tokens, gross, discount, credit, net) times the row's share (the row's weight over the line's,
    so a line's rows add up to it exactly). `line` is the line's relation, `weight` the row's weight and
    `line_key` what the line's rows share (its bill_line_key). -#}
{% macro bill_line_share(line, weight, line_key) -%}
    {%- set share = '(' ~ weight ~ ') / sum(' ~ weight ~ ') over (partition by ' ~ line_key ~ ')' -%}
    {{ line }}.bill_tokens * {{ share }} as bill_tokens,
        {{ line }}.gross_cost_usd * {{ share }} as billed_cost_usd,
        {{ line }}.discount_usd * {{ share }} as discount_usd,
        {{ line }}.credit_usd * {{ share }} as credit_usd,
        {{ line }}.net_cost_usd * {{ share }} as net_cost_usd
{%- endmacro %}
