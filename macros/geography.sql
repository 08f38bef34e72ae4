{#- The one map to a geography: where a call is processed, for data residency (fct_model_whatif,
    fct_daily_residency, assert_eu_pinned_apps_stay_in_eu). `expression` is an AWS Region or a
    cross-region inference profile's prefix (macros/model_id.sql: model_routing_prefix):
      us, eu, apac, jp, au, ca, in, us-gov, global   a profile prefix is its own geography
      us-gov-*  -> us-gov     us-*  -> us     eu-*  -> eu     ap-*  -> apac     ca-*  -> ca
    Any other Region is its own geography (never merged into another); NULL stays NULL. -#}
{% macro aws_geography(expression) -%}
    case
        when {{ expression }} in ('us', 'eu', 'apac', 'jp', 'au', 'ca', 'in', 'us-gov', 'global') then {{ expression }}
        when {{ expression }} like 'us-gov-%' then 'us-gov'
        when {{ expression }} like 'us-%' then 'us'
        when {{ expression }} like 'eu-%' then 'eu'
        when {{ expression }} like 'ap-%' then 'apac'
        when {{ expression }} like 'ca-%' then 'ca'
        else {{ expression }}
    end
{%- endmacro %}
