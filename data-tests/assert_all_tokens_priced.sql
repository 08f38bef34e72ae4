{#- Fails naming every model that has tokens but no price row for its scope and date, while
    every mart is still built (this test runs after all three). Costs stay NULL, never 0.
    bedrock_costs_fail_on_unpriced: false turns the failure into a warning. -#}
{{ config(severity=('error' if var('bedrock_costs_fail_on_unpriced') | string | lower == 'true' else 'warn')) }}
-- depends_on: {{ ref('fct_daily_app_cost') }}
-- depends_on: {{ ref('fct_daily_caller_cost') }}
-- depends_on: {{ ref('fct_daily_app_caller_cost') }}

{%- set unpriced_sql %}
select
    coalesce(model_id, model_id_raw) as unpriced_model,
    price_scope,
    sum(unpriced_request_count) as request_count,
    sum(unpriced_tokens) as total_tokens,
    min(usage_date) as first_date,
    max(usage_date) as last_date
from {{ ref('int_hourly_usage') }}
where unpriced_request_count > 0
group by coalesce(model_id, model_id_raw), price_scope
{%- endset %}

{#- Offline compilation (no warehouse) skips the listing; it only lists what a real run finds. -#}
{%- if execute and var('bedrock_costs_offline_incremental', none) is none
    and load_relation(ref('int_hourly_usage')) is not none %}
    {%- for row in run_query(unpriced_sql).rows %}
        {{- log('UNPRICED: ' ~ row[0] ~ ' (scope ' ~ row[1] ~ '): ' ~ row[2] ~ ' requests, ' ~ row[3] ~ ' tokens, ' ~ row[4] ~ ' to ' ~ row[5] ~ ' - add a row to seeds/model_pricing.csv', info=true) }}
    {%- endfor %}
{%- endif %}

{{ unpriced_sql }}
