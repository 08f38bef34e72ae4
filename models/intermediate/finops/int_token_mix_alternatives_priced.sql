{#- Right-sizing's third step: each token mix and alternative (int_token_mix_alternatives) priced
    Region by Region at the list prices of the as-of day, both sides, then summed over its Regions
    (NULL when a Region either side cannot be priced). -#}

with

candidates as (
    select * from {{ ref('int_token_mix_alternatives') }}
),

list_prices as (
    select * from {{ ref('int_finops_list_prices') }}
),

priced_by_region as (
    -- each Region's tokens at that Region's list prices; a price missing either side makes it NULL
    select
        candidates.*,
        {{ bedrock_costs.finops_mix_cost('candidates', 'current_prices') }} as current_list_cost_usd,
        {{ bedrock_costs.finops_mix_cost('candidates', 'alternative_prices') }} as alternative_cost_usd
    from candidates
    left join list_prices as current_prices
        on candidates.model_id = current_prices.model_id
        and candidates.price_scope = current_prices.price_scope
        and candidates.aws_region = current_prices.aws_region
    left join list_prices as alternative_prices
        on candidates.alternative_model_id = alternative_prices.model_id
        and candidates.alternative_price_scope = alternative_prices.price_scope
        and candidates.aws_region = alternative_prices.aws_region
),

priced as (
    -- back to one row per token mix and alternative, over its Regions
    select
        app,
        team,
        model_id,
        price_scope,
        geography,
        residency_pinned,
        alternative_kind,
        alternative_model_id,
        alternative_price_scope,
        alternative_note,
        cast(sum(request_count) as bigint) as request_count,
        sum(input_tokens) as input_tokens,
        sum(output_tokens) as output_tokens,
        sum(cache_read_input_tokens) as cache_read_input_tokens,
        sum(cache_write_input_tokens) as cache_write_input_tokens,
        {{ bedrock_costs.complete_sum('actual_cost_usd') }} as actual_cost_usd,
        {{ bedrock_costs.complete_sum('current_list_cost_usd') }} as current_list_cost_usd,
        {{ bedrock_costs.complete_sum('alternative_cost_usd') }} as alternative_cost_usd
    from priced_by_region
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
)

select * from priced
