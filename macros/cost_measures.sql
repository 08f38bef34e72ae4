{#- The measures every cost model carries, in one place so the models cannot drift apart.
    cost_usd is NULL for a group with any unpriced call: a partial sum would look like a real total. -#}

{#- Summed from calls (int_hourly_usage). -#}
{% macro cost_measures() -%}
    count(*) as request_count,
    sum(input_tokens) as input_tokens,
    sum(output_tokens) as output_tokens,
    sum(cache_read_input_tokens) as cache_read_input_tokens,
    sum(cache_write_input_tokens) as cache_write_input_tokens,
    sum(case when error_code is not null then 1 else 0 end) as error_count,
    sum(case when cost_usd is null then 1 else 0 end) as unpriced_request_count,
    {{ bedrock_costs.complete_sum('cost_usd') }} as cost_usd
{%- endmacro %}

{#- Summed again from rows already summed per hour (the marts, from int_hourly_usage). -#}
{% macro rolled_up_cost_measures() -%}
    cast(sum(request_count) as bigint) as request_count,
    sum(input_tokens) as input_tokens,
    sum(output_tokens) as output_tokens,
    sum(cache_read_input_tokens) as cache_read_input_tokens,
    sum(cache_write_input_tokens) as cache_write_input_tokens,
    sum(error_count) as error_count,
    sum(unpriced_request_count) as unpriced_request_count,
    {{ bedrock_costs.complete_sum('cost_usd') }} as cost_usd
{%- endmacro %}

{#- A sum that is NULL when any of its values is NULL: a partial total would look like a real one. -#}
{% macro complete_sum(expression) -%}
    case when count({{ expression }}) = count(*) then sum({{ expression }}) end
{%- endmacro %}
