{#- The attribution precedence for one field (app, team, cost_center, environment) of a row of
    int_invocations_attributed's `with_metadata` step: a mapped profile's tag, then the
    requestMetadata value, then 'unattributed'. -#}
{% macro attribution_precedence(field, relation='with_metadata') -%}
    case
        when {{ relation }}.attribution_status = 'profile'
            then coalesce({{ relation }}.{{ field }}, {{ relation }}.metadata_{{ field }}, 'unattributed')
        else coalesce({{ relation }}.metadata_{{ field }}, 'unattributed')
    end
{%- endmacro %}

{#- 1 when a mapped profile's tag and the requestMetadata value disagree on `field`, else 0. -#}
{% macro attribution_conflict(field, relation='with_metadata') -%}
    case
        when {{ relation }}.attribution_status = 'profile' and {{ relation }}.{{ field }} <> {{ relation }}.metadata_{{ field }}
            then 1
        else 0
    end
{%- endmacro %}
