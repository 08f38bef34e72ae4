{#- The cost-allocation tags the project reads from a CUR line's resource_tags map (`tags`), as
    tag_app, tag_team, tag_cost_center and tag_environment: the tag keys, in one place. A user tag
    `app` arrives in CUR 2.0 as `user_app`. -#}
{% macro cost_allocation_tags(tags) -%}
    {%- set keys = {
        'app': ['user_app', 'user_application'],
        'team': ['user_team'],
        'cost_center': ['user_cost_center', 'user_costcenter'],
        'environment': ['user_environment', 'user_env'],
    } -%}
    {%- set columns = [] -%}
    {%- for field in ['app', 'team', 'cost_center', 'environment'] -%}
        {%- do columns.append(bedrock_costs.metadata_value(tags, keys[field]) ~ ' as tag_' ~ field) -%}
    {%- endfor -%}
    {{ return(columns | join(',\n        ')) }}
{%- endmacro %}
