{#- The exact median of `value` per `group_by` (a list of columns) over `relation`, as a select with
    the group columns, `median_value` and `value_count`. Trino and Athena have no exact median: the
    middle row, or the mean of the middle two, by rank, is the same on every engine. -#}
{% macro exact_median(relation, value, group_by) -%}
    select
        {%- for column in group_by %}
        ranked.{{ column }},
        {%- endfor %}
        avg(ranked.ranked_value) as median_value,
        max(ranked.value_count) as value_count
    from (
        select
            {%- for column in group_by %}
            {{ relation }}.{{ column }},
            {%- endfor %}
            {{ value }} as ranked_value,
            row_number() over (partition by {{ group_by | join(', ') }} order by {{ value }}) as value_rank,
            count(*) over (partition by {{ group_by | join(', ') }}) as value_count
        from {{ relation }}
    ) as ranked
    where 2 * ranked.value_rank between ranked.value_count and ranked.value_count + 2
    group by {% for column in group_by %}ranked.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
{%- endmacro %}
