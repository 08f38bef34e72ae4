{#- fct_model_whatif's alternatives, grouped by the spend they would replace (an app's token mix on
    one model, scope and geography): they are alternatives, so only one per spend can be taken and
    their savings never add up. option_rank 1 is the biggest saving. -#}

with

whatif as (
    select * from {{ bedrock_costs.view_ref('fct_model_whatif') }}
),

final as (
    select
        app,
        team,
        model_id,
        price_scope,
        geography,
        request_count,
        current_list_cost_usd,
        alternative_kind,
        alternative_model_id,
        alternative_price_scope,
        alternative_note,
        alternative_cost_usd,
        saving_usd,
        saving_pct,
        row_number() over (
            partition by app, team, model_id, price_scope, geography
            order by saving_usd desc, alternative_model_id asc, alternative_kind asc
        ) as option_rank,
        count(*) over (partition by app, team, model_id, price_scope, geography) as option_count,
        window_start_date,
        window_end_date
    from whatif
)

select * from final
