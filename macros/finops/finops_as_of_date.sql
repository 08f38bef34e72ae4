{#- The day the FinOps marts report "as of", as a SQL date expression: the var
    bedrock_costs_as_of_date when set, else the latest usage_date in fct_daily_app_cost (the
    data's own last day, so month-to-date and trailing windows make sense on historical data).

    On a real run the latest day is asked once (a small query on the daily mart) and inlined as
    a literal, so Athena prunes the partitions of every window built on it. Without a warehouse
    (parse, offline compilation) or before the mart exists, the same value is a scalar subquery.
    Callers add `-- depends_on: {{ ref('fct_daily_app_cost') }}`. -#}
{% macro finops_as_of_date() %}
    {%- set override = bedrock_costs.finops_var('bedrock_costs_as_of_date') -%}
    {%- if override -%}
        {{ return("date '" ~ bedrock_costs.finops_iso_date(override) ~ "'") }}
    {%- endif -%}
    {%- set daily = ref('fct_daily_app_cost') -%}
    {%- set subquery = '(select max(usage_date) from ' ~ daily ~ ')' -%}
    {%- if not execute or var('bedrock_costs_offline_incremental', none) is not none -%}
        {{ return(subquery) }}
    {%- endif -%}
    {%- if load_relation(daily) is none -%}
        {{ return(subquery) }}
    {%- endif -%}
    {%- set result = run_query('select max(usage_date) from ' ~ daily) -%}
    {%- set latest = result.rows[0][0] if result is not none and result.rows | length > 0 else none -%}
    {%- if latest is none -%}
        {{ return(subquery) }}
    {%- endif -%}
    {{ return("date '" ~ bedrock_costs.finops_iso_date(latest) ~ "'") }}
{% endmacro %}


{#- 'YYYY-MM-DD' from a date, a datetime or a string, or a compile error. -#}
{% macro finops_iso_date(value) %}
    {%- set text = (value | string)[:10] -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ exceptions.raise_compiler_error('expected a date YYYY-MM-DD, got ' ~ value) }}
    {%- endif -%}
    {{ return(text) }}
{% endmacro %}


{#- The first day of the FinOps window that ends on `as_of` (a SQL date expression from
    finops_as_of_date): bedrock_costs_finops_window_days days, at least one. -#}
{% macro finops_window_start(as_of) %}
    {%- set window_days = [bedrock_costs.finops_var('bedrock_costs_finops_window_days'), 1] | max -%}
    {{ return('cast(' ~ dbt.dateadd('day', 1 - window_days, as_of) ~ ' as date)') }}
{% endmacro %}
