{#- The first day an incremental run rebuilds, as 'YYYY-MM-DD', or none for a full build.
    It is the last day already built in {{ this }} (its `date_column`), minus
    bedrock_costs_lookback_days (plus extra_days), so late-delivered records inside that window
    are picked up. -#}
{% macro incremental_cutoff_date(extra_days=0, date_column='usage_date') %}
    {%- if not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if var('bedrock_costs_offline_incremental', none) is not none -%}
        {%- set last_day = var('bedrock_costs_offline_last_date') -%}
    {%- elif execute -%}
        {%- set last_day = run_query('select max(' ~ date_column ~ ') from ' ~ this).columns[0].values()[0] -%}
    {%- else -%}
        {{ return('1970-01-01') }}
    {%- endif -%}
    {%- if last_day is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set days_back = var('bedrock_costs_lookback_days') | int + extra_days -%}
    {%- set cutoff = modules.datetime.date.fromisoformat((last_day | string)[:10]) - modules.datetime.timedelta(days=days_back) -%}
    {{ return(cutoff.isoformat()) }}
{% endmacro %}
