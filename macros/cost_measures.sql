{#- The measures every daily cost mart carries, in one place so the marts cannot drift apart.
    cost_usd is NULL for a group with any unpriced call: a partial sum would look like a real total. -#}
{% macro cost_measures(relation_alias) -%}
    count(*) as request_count,
    sum({{ relation_alias }}.input_tokens) as input_tokens,
    sum({{ relation_alias }}.output_tokens) as output_tokens,
    sum({{ relation_alias }}.cache_read_input_tokens) as cache_read_input_tokens,
    sum({{ relation_alias }}.cache_write_input_tokens) as cache_write_input_tokens,
    sum(case when {{ relation_alias }}.error_code is not null then 1 else 0 end) as error_count,
    sum(case when {{ relation_alias }}.cost_usd is null then 1 else 0 end) as unpriced_request_count,
    {{ bedrock_costs.complete_sum(relation_alias ~ '.cost_usd') }} as cost_usd
{%- endmacro %}

{#- The measure column names, for the marts' explicit final column lists. -#}
{% macro cost_measure_columns() -%}
    request_count,
    input_tokens,
    output_tokens,
    cache_read_input_tokens,
    cache_write_input_tokens,
    error_count,
    unpriced_request_count,
    cost_usd
{%- endmacro %}

{#- A sum that is NULL when any of its values is NULL: a partial total would look like a real one. -#}
{% macro complete_sum(expression) -%}
    case when count({{ expression }}) = count(*) then sum({{ expression }}) end
{%- endmacro %}

{#- The shared measures again, from rows of int_hourly_usage (already summed per hour) instead of
    from calls. A cost is NULL when any call behind it was unpriced, as above. -#}
{% macro rolled_up_cost_measures(relation_alias) -%}
    cast(sum({{ relation_alias }}.request_count) as bigint) as request_count,
    sum({{ relation_alias }}.input_tokens) as input_tokens,
    sum({{ relation_alias }}.output_tokens) as output_tokens,
    sum({{ relation_alias }}.cache_read_input_tokens) as cache_read_input_tokens,
    sum({{ relation_alias }}.cache_write_input_tokens) as cache_write_input_tokens,
    sum({{ relation_alias }}.error_count) as error_count,
    sum({{ relation_alias }}.unpriced_request_count) as unpriced_request_count,
    {{ bedrock_costs.complete_sum(relation_alias ~ '.cost_usd') }} as cost_usd
{%- endmacro %}
