{#- For each key in `partition_by`, the [from, to) periods never overlap (an empty `to` is open).
    Two overlapping price rows would bill the same call twice. -#}
{% test non_overlapping_periods(model, partition_by, from_column, to_column) %}
select
    {% for column_name in partition_by -%}
    earlier.{{ column_name }},
    {% endfor -%}
    earlier.{{ from_column }} as earlier_from,
    earlier.{{ to_column }} as earlier_to,
    later.{{ from_column }} as later_from
from {{ model }} as earlier
inner join {{ model }} as later
    on
    {%- for column_name in partition_by %}
    earlier.{{ column_name }} = later.{{ column_name }} and
    {%- endfor %}
    earlier.{{ from_column }} <= later.{{ from_column }}
where
    (earlier.{{ to_column }} is null or earlier.{{ to_column }} > later.{{ from_column }})
    and not (
        earlier.{{ from_column }} = later.{{ from_column }}
        and coalesce(cast(earlier.{{ to_column }} as varchar), '') = coalesce(cast(later.{{ to_column }} as varchar), '')
    )
union all
select
    {% for column_name in partition_by -%}
    {{ column_name }},
    {% endfor -%}
    {{ from_column }} as earlier_from,
    {{ to_column }} as earlier_to,
    {{ from_column }} as later_from
from {{ model }}
group by
    {% for column_name in partition_by -%}
    {{ column_name }},
    {% endfor -%}
    {{ from_column }},
    {{ to_column }}
having count(*) > 1
{% endtest %}
