{{
    config(
        materialized='incremental',
        incremental_strategy=('insert_overwrite' if target.type == 'athena' else 'delete+insert'),
        unique_key='usage_date',
        partitioned_by=['usage_date'],
        format='parquet',
        on_schema_change='fail',
    )
}}

{#- The priced, attributed calls summed per hour and per every dimension a mart groups by: about
    one row per hundred calls. Every mart reads this table instead of the per-call views, so the
    joins and the requestMetadata lookups run once per call and per build. A scheduled run re-sums
    only the days whose calls staging loaded since this table's newest loaded_at, plus the lookback
    window's days summed under other reference data (seeds, vars), plus any day holding calls whose
    modelId int_model_ids did not know yet (a partial run). -#}
{#- the grain, besides the hour and the day: every column a mart groups or filters by -#}
{%- set dimensions = [
    'account_id', 'aws_region', 'inference_region', 'model_id_raw', 'model_id', 'price_scope', 'routing_prefix',
    'attribution_status', 'profile_name', 'tag_app', 'tag_team', 'tag_cost_center', 'tag_environment',
    'app', 'team', 'cost_center', 'environment', 'app_source',
    'metadata_app', 'metadata_team', 'metadata_cost_center', 'metadata_environment',
    'tenant', 'end_user', 'end_user_source', 'caller_arn', 'caller_name', 'caller_type', 'department',
] %}
{%- set reference_version = bedrock_costs.reference_version() %}
{%- set since_date = bedrock_costs.incremental_cutoff_date(extra_days=1) %}
{%- set stale_rows -%}
    attribution_status = 'unresolved'
    {%- if since_date %}
    or (usage_date >= date '{{ since_date }}' and reference_version <> '{{ reference_version }}')
    {%- endif %}
{%- endset %}
{%- set changed_dates = bedrock_costs.changed_usage_dates(ref('stg_bedrock__invocations'), stale_rows) %}

with

invocations as (
    select * from {{ ref('int_invocations_attributed') }}
    {%- if changed_dates is not none %}
    where
        {%- if changed_dates | length > 0 %}
        usage_date in (
            {%- for changed_date in changed_dates %}
            date '{{ changed_date }}'{{ ',' if not loop.last }}
            {%- endfor %}
        )
        {%- else %}
        1 = 0
        {%- endif %}
    {%- endif %}
),

hourly as (
    select
        {{ bedrock_costs.hive_timestamp(dbt.date_trunc('hour', 'invocations.invoked_at')) }} as hour_start_at,
        {%- for dimension in dimensions %}
            invocations.{{ dimension }},
        {%- endfor %}
        {{ bedrock_costs.cost_measures('invocations') }},
        sum(
            case
                when invocations.cost_usd is null
                    then
                        invocations.input_tokens + invocations.output_tokens
                        + invocations.cache_read_input_tokens + invocations.cache_write_input_tokens
                else 0
            end
        ) as unpriced_tokens,
        sum(
            case when invocations.cache_read_input_tokens + invocations.cache_write_input_tokens > 0 then 1 else 0 end
        ) as cached_request_count,
        {{ bedrock_costs.complete_sum('invocations.input_cost_usd') }} as input_cost_usd,
        {{ bedrock_costs.complete_sum('invocations.output_cost_usd') }} as output_cost_usd,
        {{ bedrock_costs.complete_sum('invocations.cache_read_cost_usd') }} as cache_read_cost_usd,
        {{ bedrock_costs.complete_sum('invocations.cache_write_cost_usd') }} as cache_write_cost_usd,
        -- the priced calls' cost alone (the anomaly baseline sums what can be priced)
        sum(invocations.cost_usd) as priced_cost_usd,
        {{ bedrock_costs.hive_timestamp('max(invocations.loaded_at)') }} as loaded_at,
        invocations.usage_date
    from invocations
    group by
        {{ dbt.date_trunc('hour', 'invocations.invoked_at') }},
        {%- for dimension in dimensions %}
            invocations.{{ dimension }},
        {%- endfor %}
        invocations.usage_date
),

final as (
    select
        hour_start_at,
        {%- for dimension in dimensions %}
            {{ dimension }},
        {%- endfor %}
        {{ bedrock_costs.cost_measure_columns() }},
        unpriced_tokens,
        cached_request_count,
        input_cost_usd,
        output_cost_usd,
        cache_read_cost_usd,
        cache_write_cost_usd,
        priced_cost_usd,
        loaded_at,
        cast('{{ reference_version }}' as varchar) as reference_version,
        usage_date
    from hourly
)

select * from final
