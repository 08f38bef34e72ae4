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
    modelId or caller the small tables did not know yet (a partial run). -#}
{%- set reference_version = bedrock_costs.reference_version() %}
{%- set loaded_since = bedrock_costs.newest_value('loaded_at') %}
{%- if loaded_since %}
    {%- set since_date = bedrock_costs.lookback_start_date('usage_date') %}
    {%- set summed_days = bedrock_costs.query_dates(
        "select distinct usage_date from " ~ ref('stg_bedrock__log_lines') ~
        " where line_status = 'record' and loaded_at > cast('" ~ loaded_since ~ "' as timestamp)" ~
        " union select distinct usage_date from " ~ this ~
        " where attribution_status = 'unresolved' or caller_type = 'unparsed'" ~
        " or (usage_date >= date '" ~ since_date ~ "' and reference_version <> '" ~ reference_version ~ "')" ~
        " order by 1") %}
{%- endif %}

with

invocations as (
    select * from {{ ref('int_invocations_attributed') }}
    {%- if loaded_since %}
    -- the days summed in this run (their span first: a range reaches below staging's de-duplication)
    where {{ bedrock_costs.in_dates('usage_date', summed_days) }}
    {%- endif %}
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
        {{ bedrock_costs.cost_measures() }},
        sum(case when cost_usd is null then input_tokens + output_tokens + cache_read_input_tokens + cache_write_input_tokens else 0 end)
            as unpriced_tokens,
        sum(case when cache_read_input_tokens + cache_write_input_tokens > 0 then 1 else 0 end) as cached_request_count,
        {{ bedrock_costs.complete_sum('input_cost_usd') }} as input_cost_usd,
        {{ bedrock_costs.complete_sum('output_cost_usd') }} as output_cost_usd,
        {{ bedrock_costs.complete_sum('cache_read_cost_usd') }} as cache_read_cost_usd,
        {{ bedrock_costs.complete_sum('cache_write_cost_usd') }} as cache_write_cost_usd,
        -- the priced calls' cost alone (the anomaly baseline sums what can be priced)
        sum(cost_usd) as priced_cost_usd,
        {{ bedrock_costs.hive_timestamp('max(loaded_at)') }} as loaded_at,
        cast('{{ reference_version }}' as varchar) as reference_version,
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

select * from hourly
