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
    {{ bedrock_costs.complete_sum('cost_usd') }} as cost_usd,
    sum(case when cost_usd is null then input_tokens + output_tokens + cache_read_input_tokens + cache_write_input_tokens else 0 end)
        as unpriced_tokens,
    sum(case when cache_read_input_tokens + cache_write_input_tokens > 0 then 1 else 0 end) as cached_request_count,
    {{ bedrock_costs.complete_sum('input_cost_usd') }} as input_cost_usd,
    {{ bedrock_costs.complete_sum('output_cost_usd') }} as output_cost_usd,
    {{ bedrock_costs.complete_sum('cache_read_cost_usd') }} as cache_read_cost_usd,
    {{ bedrock_costs.complete_sum('cache_write_cost_usd') }} as cache_write_cost_usd,
    -- the priced calls' cost alone (the anomaly baseline sums what can be priced)
    sum(cost_usd) as priced_cost_usd
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
