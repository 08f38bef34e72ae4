{#- The catalog's rate (USD per 1M tokens) for a token type, from an int_model_prices row. -#}
{% macro bill_token_rate(token_type, prices) -%}
    case {{ token_type }}
        when 'input' then {{ prices }}.input_usd_per_mtok
        when 'output' then {{ prices }}.output_usd_per_mtok
        when 'cache_read' then {{ prices }}.cache_read_usd_per_mtok
        else {{ prices }}.cache_write_usd_per_mtok
    end
{%- endmacro %}
