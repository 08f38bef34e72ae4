{#- Where a record's time `at` stands against the hour of the folder it was delivered to
    (`folder_hour_at`, the start of that hour), with bedrock_costs_timestamp_tolerance_hours of slack.
    Bedrock writes a record into the folder of the hour it delivers it, so a call is never later than
    its folder's hour: one far after it is a clock far off or a record stamped 2099, and is kept out
    of every cost (it would move the as-of day). One far before it is a late delivery (Bedrock
    re-delivers an old call into a later folder): it is costed on its own day and named. -#}
{% macro far_after_folder_hour(at, folder_hour_at) -%}
    {%- set hours = var('bedrock_costs_timestamp_tolerance_hours') | int -%}
    {{ at }} >= {{ dbt.dateadd('hour', hours + 1, folder_hour_at) }}
{%- endmacro %}

{% macro far_before_folder_hour(at, folder_hour_at) -%}
    {%- set hours = var('bedrock_costs_timestamp_tolerance_hours') | int -%}
    {{ at }} < {{ dbt.dateadd('hour', -hours, folder_hour_at) }}
{%- endmacro %}
