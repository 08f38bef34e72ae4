-- depends_on: {{ ref('fct_daily_app_cost') }}
{%- set as_of = bedrock_costs.finops_as_of_date() %}
{%- set window_start = bedrock_costs.finops_window_start(as_of) %}
{%- set pinned_geographies = bedrock_costs.finops_sql_list(bedrock_costs.finops_var('bedrock_costs_residency_pinned_geographies')) %}
{%- set pinned_apps = bedrock_costs.finops_sql_list(bedrock_costs.finops_var('bedrock_costs_residency_pinned_apps')) %}

with

hourly_usage as (
    -- the window only: bedrock_costs_finops_window_days up to the as-of date
    select * from {{ ref('int_hourly_usage') }}
    where
        usage_date >= {{ window_start }}
        and usage_date <= {{ as_of }}
        and model_id is not null
),

substitutions as (
    select * from {{ ref('model_substitutions') }}
),

list_prices as (
    {{ bedrock_costs.finops_list_prices(as_of) }}
),

located as (
    -- where the data is processed: the profile's pool, or the geography of the in-region region
    select
        hourly_usage.*,
        case
            when hourly_usage.routing_prefix is not null then hourly_usage.routing_prefix
            when hourly_usage.aws_region like 'eu-%' then 'eu'
            when hourly_usage.aws_region like 'ap-%' then 'apac'
            when hourly_usage.aws_region like 'us-gov-%' then 'us-gov'
            when hourly_usage.aws_region like 'us-%' then 'us'
            when hourly_usage.aws_region like 'ca-%' then 'ca'
            else hourly_usage.aws_region
        end as geography
    from hourly_usage
),

token_mix as (
    select
        located.app,
        located.team,
        located.model_id,
        located.price_scope,
        located.geography,
        located.aws_region,
        cast(sum(located.request_count) as bigint) as request_count,
        sum(located.input_tokens) as input_tokens,
        sum(located.output_tokens) as output_tokens,
        sum(located.cache_read_input_tokens) as cache_read_input_tokens,
        sum(located.cache_write_input_tokens) as cache_write_input_tokens,
        {{ bedrock_costs.complete_sum('located.cost_usd') }} as actual_cost_usd
    from located
    group by located.app, located.team, located.model_id, located.price_scope, located.geography, located.aws_region
),

pinned_by_traffic as (
    -- an app (not the 'unattributed' catch-all) with any traffic in a pinned geography is pinned
    select distinct token_mix.app
    from token_mix
    where
        token_mix.geography in {{ pinned_geographies }}
        and token_mix.app <> 'unattributed'
),

residency as (
    select
        token_mix.*,
        coalesce(
            token_mix.app in {{ pinned_apps }}
            or token_mix.geography in {{ pinned_geographies }}
            or pinned_by_traffic.app is not null,
            false
        ) as residency_pinned
    from token_mix
    left join pinned_by_traffic
        on token_mix.app = pinned_by_traffic.app
),

candidates as (
    -- a cheaper model of the seed at the same scope (same residency), or the same model via global.
    select
        residency.*,
        cast('substitute_model' as varchar) as alternative_kind,
        substitutions.to_model_id as alternative_model_id,
        residency.price_scope as alternative_price_scope,
        substitutions.note as alternative_note
    from residency
    inner join substitutions
        on residency.model_id = substitutions.from_model_id
    union all
    select
        residency.*,
        cast('global_routing' as varchar) as alternative_kind,
        residency.model_id as alternative_model_id,
        cast('global' as varchar) as alternative_price_scope,
        cast('same model through its global. cross-region inference profile' as varchar) as alternative_note
    from residency
    where
        residency.price_scope <> 'global'
        and not residency.residency_pinned
),

priced_by_region as (
    -- each region's tokens at that region's list prices, current and alternative
    select
        candidates.*,
        {{ bedrock_costs.token_cost('candidates.input_tokens', 'current_prices.input_usd_per_mtok') }}
        + {{ bedrock_costs.token_cost('candidates.output_tokens', 'current_prices.output_usd_per_mtok') }}
        + {{ bedrock_costs.token_cost('candidates.cache_read_input_tokens', 'current_prices.cache_read_usd_per_mtok') }}
        + {{ bedrock_costs.token_cost('candidates.cache_write_input_tokens', 'current_prices.cache_write_usd_per_mtok') }}
            as current_list_cost_usd,
        {{ bedrock_costs.token_cost('candidates.input_tokens', 'alternative_prices.input_usd_per_mtok') }}
        + {{ bedrock_costs.token_cost('candidates.output_tokens', 'alternative_prices.output_usd_per_mtok') }}
        + {{ bedrock_costs.token_cost('candidates.cache_read_input_tokens', 'alternative_prices.cache_read_usd_per_mtok') }}
        + {{ bedrock_costs.token_cost('candidates.cache_write_input_tokens', 'alternative_prices.cache_write_usd_per_mtok') }}
            as alternative_cost_usd
    from candidates
    -- left joins: a region either side cannot price makes the mix's total NULL, and it is left out
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
    -- back to one row per token mix and alternative, over its regions
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
    group by
        app, team, model_id, price_scope, geography, residency_pinned, alternative_kind, alternative_model_id,
        alternative_price_scope, alternative_note
),

final as (
    select
        priced.app,
        priced.team,
        priced.model_id,
        priced.price_scope,
        priced.geography,
        priced.residency_pinned,
        priced.request_count,
        priced.input_tokens,
        priced.output_tokens,
        priced.cache_read_input_tokens,
        priced.cache_write_input_tokens,
        priced.actual_cost_usd,
        priced.current_list_cost_usd,
        priced.alternative_kind,
        priced.alternative_model_id,
        priced.alternative_price_scope,
        priced.alternative_note,
        priced.alternative_cost_usd,
        priced.current_list_cost_usd - priced.alternative_cost_usd as saving_usd,
        100 * (priced.current_list_cost_usd - priced.alternative_cost_usd) / priced.current_list_cost_usd as saving_pct,
        {{ window_start }} as window_start_date,
        {{ as_of }} as window_end_date
    from priced
    where priced.alternative_cost_usd < priced.current_list_cost_usd
)

select * from final
