{#- The FinOps marts' vars and their defaults, in one place. Any of them can be set in
    dbt_project.yml or with --vars; what is not set takes the default below.

      bedrock_costs_as_of_date                    null   the day the FinOps marts report "as of" (see finops_as_of_date)
      bedrock_costs_metadata_keys                 (dict) requestMetadata keys per attribution field (see finops_metadata_keys)
      bedrock_costs_budget_months                 12     months (the as-of month and the ones before) in fct_app_budget_status
      bedrock_costs_finops_window_days            30     days up to the as-of date summarised by fct_model_whatif and fct_app_cache_economics
      bedrock_costs_anomaly_baseline_days         14     trailing days whose active hours form an entity's baseline
      bedrock_costs_anomaly_detect_days           2      days up to the as-of date whose hours are scored
      bedrock_costs_anomaly_mad_threshold         5      robust z-score (x - median) / (1.4826 * MAD) an hour must reach
      bedrock_costs_anomaly_min_ratio             3      ... and this multiple of the baseline median
      bedrock_costs_anomaly_min_hourly_usd        1.0    ... and at least this many USD in the hour
      bedrock_costs_anomaly_min_baseline_hours    24     active baseline hours an entity needs before it is scored
      bedrock_costs_expensive_input_usd_per_mtok  5.0    a model is "expensive" from this input list price (USD per 1M tokens)
      bedrock_costs_residency_pinned_geographies  [eu]   traffic processed in these geographies is never moved to global.
      bedrock_costs_residency_pinned_apps         []     apps never moved to global. whatever their traffic -#}
{% macro finops_var_defaults() %}
    {{ return({
        'bedrock_costs_as_of_date': none,
        'bedrock_costs_budget_months': 12,
        'bedrock_costs_finops_window_days': 30,
        'bedrock_costs_anomaly_baseline_days': 14,
        'bedrock_costs_anomaly_detect_days': 2,
        'bedrock_costs_anomaly_mad_threshold': 5,
        'bedrock_costs_anomaly_min_ratio': 3,
        'bedrock_costs_anomaly_min_hourly_usd': 1.0,
        'bedrock_costs_anomaly_min_baseline_hours': 24,
        'bedrock_costs_expensive_input_usd_per_mtok': 5.0,
        'bedrock_costs_residency_pinned_geographies': ['eu'],
        'bedrock_costs_residency_pinned_apps': [],
    }) }}
{% endmacro %}


{#- A FinOps var's value (or its default). Numbers come back as numbers, checked to be >= 0. -#}
{% macro finops_var(name) %}
    {%- set defaults = bedrock_costs.finops_var_defaults() -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error('finops_var: unknown var ' ~ name) }}
    {%- endif -%}
    {%- set value = var(name, defaults[name]) -%}
    {%- if defaults[name] is number -%}
        {%- set number = value | float(-1) -%}
        {%- if value is none or (value | string | trim) == '' or number < 0 -%}
            {{ exceptions.raise_compiler_error(name ~ ' must be a number >= 0, got ' ~ value) }}
        {%- endif -%}
        {{ return(number | int if defaults[name] is integer else number) }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{#- A list of strings as SQL literals: ('a', 'b'), or (null) for an empty list (matches nothing). -#}
{% macro finops_sql_list(values) %}
    {%- if values is string -%}
        {%- set values = [values] -%}
    {%- endif -%}
    {%- if values | length == 0 -%}
        {{ return('(cast(null as varchar))') }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ return('(' ~ quoted | join(', ') ~ ')') }}
{% endmacro %}
