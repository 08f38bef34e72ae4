{#- Where a record's time `at` stands against the hour of the folder it was delivered to
    (`folder_hour_at`, the start of that hour). Bedrock writes a record into the folder of the hour
    it delivers it, so a call is never later than its folder's hour, and is re-delivered late by
    hours or days, not months.
    far_from_folder_hour: more than bedrock_costs_timestamp_tolerance_hours after its folder's hour
    (a clock far off, a record stamped 2099), or more than bedrock_costs_late_delivery_max_days
    before it (a record stamped 1970): kept out of every cost, so it never moves the as-of day.
    far_before_folder_hour: more than bedrock_costs_timestamp_tolerance_hours before it, within
    those days: a late delivery, costed on its own day and named. -#}
{% macro far_from_folder_hour(at, folder_hour_at) -%}
    {%- set hours = var('bedrock_costs_timestamp_tolerance_hours') | int -%}
    {%- set days = var('bedrock_costs_late_delivery_max_days') | int -%}
    ({{ at }} >= {{ dbt.dateadd('hour', hours + 1, folder_hour_at) }}
        or {{ at }} < {{ dbt.dateadd('day', -days, folder_hour_at) }})
{%- endmacro %}

{% macro far_before_folder_hour(at, folder_hour_at) -%}
    {%- set hours = var('bedrock_costs_timestamp_tolerance_hours') | int -%}
    {{ at }} < {{ dbt.dateadd('hour', -hours, folder_hour_at) }}
{%- endmacro %}
