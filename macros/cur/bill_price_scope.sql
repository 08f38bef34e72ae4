{#- The scope a bill line names a price by, from the catalog's (or a call's) price_scope: the bill
    tells `global` from the rest, which it calls `regional` (in-region and geo alike). -#}
{% macro bill_price_scope(price_scope) -%}
    case when {{ price_scope }} = 'global' then 'global' else 'regional' end
{%- endmacro %}
