{{
    config(
        materialized='incremental',
        incremental_strategy=bedrock_costs.replace_days_strategy(),
        unique_key='usage_date',
        partitioned_by=['usage_date'],
        properties={'partitioning': "ARRAY['usage_date']"},
        format='parquet',
        on_schema_change='fail',
    )
}}

-- depends_on: {{ ref('stg_bedrock__log_lines') }}

{#- The priced, attributed calls summed per hour and per every dimension a mart groups by: about one
    row per hundred calls, read by every mart. A run re-sums whole days, and stamps every row it
    writes with summed_at: the marts rebuild the days summed since their own newest summed_at. The
    days re-summed are those of the lines loaded since this table's newest loaded_at, those of the
    lookback window summed under other reference data (seeds, vars), and those holding calls whose
    modelId or caller the small tables did not know yet (a partial run). #}

with

invocations as (
    select * from {{ ref('int_invocations_attributed') }}
    -- the days this run sums (macros/incremental.sql: days_to_sum), as literal dates, their span
    -- first: a range reaches below staging's de-duplication
    where {{ bedrock_costs.in_dates('usage_date', bedrock_costs.days_to_sum(bedrock_costs.reference_version())) }}
),

hourly as (
    select
        {{ bedrock_costs.hive_timestamp(dbt.date_trunc('hour', 'invoked_at')) }} as hour_start_at,
        account_id,
        aws_region,
        inference_region,
        model_id_raw,
        model_id,
        price_scope,
        routing_prefix,
        context_tier,
        attribution_status,
        attribution_source,
        profile_name,
        app,
        team,
        cost_center,
        environment,
        tenant,
        end_user,
        end_user_source,
        is_trusted_caller,
        claimed_app,
        claimed_team,
        claimed_cost_center,
        claimed_environment,
        caller_arn,
        caller_name,
        caller_type,
        caller_role,
        department,
        -- requests, tokens, errors and cost (by token type too), NULL where any call is unpriced
        {{ bedrock_costs.cost_measures() }},
        {{ bedrock_costs.hive_timestamp('max(loaded_at)') }} as loaded_at,
        cast('{{ bedrock_costs.reference_version() }}' as varchar) as reference_version,
        -- this run's stamp on every row it writes: the marts rebuild the days summed after theirs
        {{ bedrock_costs.hive_timestamp("'" ~ bedrock_costs.run_stamp('summed_at') ~ "'") }} as summed_at,
        usage_date
    from invocations
    group by
        {{ dbt.date_trunc('hour', 'invoked_at') }},
        account_id,
        aws_region,
        inference_region,
        model_id_raw,
        model_id,
        price_scope,
        routing_prefix,
        context_tier,
        attribution_status,
        attribution_source,
        profile_name,
        app,
        team,
        cost_center,
        environment,
        tenant,
        end_user,
        end_user_source,
        is_trusted_caller,
        claimed_app,
        claimed_team,
        claimed_cost_center,
        claimed_environment,
        caller_arn,
        caller_name,
        caller_type,
        caller_role,
        department,
        usage_date
)

-- DuckDB: in day order, so a reader of some days skips the others' row groups (macros/cross_db/clustered_by.sql)
select * from hourly {{ bedrock_costs.clustered_by('usage_date') }}
