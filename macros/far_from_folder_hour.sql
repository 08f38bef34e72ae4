{#- Whether a record's time `at` is more than bedrock_costs_timestamp_tolerance_hours from the hour
    of the folder it was delivered to (`folder_hour_at`, the start of that hour): a clock far off, a
    record stamped 2099. Bedrock delivers a record into the folder of the hour it wrote it, so a
    call is never later than its folder's hour, and rarely more than an hour earlier. -#}
{% macro far_from_folder_hour(at, folder_hour_at) -%}
    {%- set hours = var('bedrock_costs_timestamp_tolerance_hours') | int -%}
    ({{ at }} < {{ dbt.dateadd('hour', -hours, folder_hour_at) }} or {{ at }} >= {{ dbt.dateadd('hour', hours + 1, folder_hour_at) }})
{%- endmacro %}
