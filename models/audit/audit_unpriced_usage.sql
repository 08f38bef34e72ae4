{{ config(materialized='view') }}
{#- Tokens without a price, one row per attribution status, model (or profile), scope, Region and
    context tier, with the fix for each. Costs stay NULL, never 0. The data test
    assert_all_tokens_priced prints each row's `message` (an `UNPRICED:` line) and fails the build;
    `bedrock-costs notify` sends each as an alert. The fix:
      - an application profile missing from profile_map.csv: a profile_map row;
      - a model the catalog does not know: a model_pricing row; the closest catalog ids are named,
        so a typo or a new version is easy to spot;
      - a known model without a price for that scope, region, time or tier, or without a rate for
        one of the token kinds used. -#}

with

unpriced as (
    select
        attribution_status,
        coalesce(model_id, model_id_raw) as unpriced_model,
        price_scope,
        aws_region,
        context_tier,
        sum(unpriced_request_count) as request_count,
        sum(unpriced_tokens) as total_tokens,
        min(usage_date) as first_date,
        max(usage_date) as last_date
    from {{ ref('int_hourly_usage') }}
    where unpriced_request_count > 0
    group by attribution_status, coalesce(model_id, model_id_raw), price_scope, aws_region, context_tier
),

catalog_models as (
    select distinct model_rates.model_id from {{ ref('int_model_rates') }} as model_rates
),

unpriced_models as (
    -- the models to name candidates for (an unmapped profile's fix is a profile_map row instead)
    select distinct unpriced_model
    from unpriced
    where attribution_status <> 'unmapped_profile'
),

ranked_candidates as (
    select
        unpriced.unpriced_model,
        catalog_models.model_id,
        row_number() over (
            partition by unpriced.unpriced_model
            order by {{ bedrock_costs.edit_distance('unpriced.unpriced_model', 'catalog_models.model_id') }}, catalog_models.model_id
        ) as closeness_rank
    from unpriced_models as unpriced
    cross join catalog_models
),

closest as (
    select
        unpriced_model,
        max(case when closeness_rank = 1 then model_id end) as closest_1,
        max(case when closeness_rank = 2 then model_id end) as closest_2,
        max(case when closeness_rank = 3 then model_id end) as closest_3,
        max(case when model_id = unpriced_model then 1 else 0 end) as is_in_catalog
    from ranked_candidates
    group by unpriced_model
),

fixes as (
    select
        unpriced.*,
        case
            when unpriced.attribution_status = 'unmapped_profile'
                then
                    'an application profile missing from seeds/profile_map.csv: add its row (app, team, '
                    || 'model_source), or run `bedrock-costs create-profiles --sync --write`'
            when coalesce(closest.is_in_catalog, 0) = 0
                then
                    'not in seeds/model_pricing.csv: add a row for it (closest catalog ids: '
                    || coalesce(closest.closest_1, '-') || ', ' || coalesce(closest.closest_2, '-') || ', '
                    || coalesce(closest.closest_3, '-') || ')'
            when unpriced.context_tier = 'unpriced'
                then
                    'seeds/model_pricing.csv has the model but no ' || coalesce(unpriced.price_scope, '-')
                    || ' price for this region, date or context size: add that row'
            else
                'its price row in seeds/model_pricing.csv has no rate for a token kind these calls use'
                || ' (cache read or write, or output): fill it in'
        end as fix
    from unpriced
    left join closest
        on unpriced.unpriced_model = closest.unpriced_model
),

findings as (
    select
        fixes.*,
        'UNPRICED: ' || fixes.unpriced_model || ' (scope ' || coalesce(fixes.price_scope, '-') || '): '
        || cast(fixes.request_count as varchar) || ' requests, ' || cast(fixes.total_tokens as varchar) || ' tokens, '
        || cast(fixes.first_date as varchar) || ' to ' || cast(fixes.last_date as varchar) || ' in '
        || coalesce(fixes.aws_region, '-') as finding
    from fixes
),

final as (
    select
        attribution_status,
        unpriced_model,
        price_scope,
        aws_region,
        context_tier,
        request_count,
        total_tokens,
        first_date,
        last_date,
        finding,
        fix,
        finding || ' - ' || fix as message
    from findings
)

select * from final
