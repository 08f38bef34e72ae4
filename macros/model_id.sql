{#- The one place that understands every Bedrock modelId form:
      anthropic.claude-haiku-4-5-20251001-v1:0                                  bare foundation-model id
      anthropic.claude-opus-4-6-v1, anthropic.claude-opus-4-7                   newer ids, no ':0' or no '-v1'
      arn:aws:bedrock:us-east-1::foundation-model/<id>                          foundation-model ARN
      us.<id>, eu.<id>, apac.<id>, jp.<id>, au.<id>, ca.<id>, us-gov.<id>, global.<id>   system profile id
      arn:aws:bedrock:<region>:<account>:inference-profile/us.<id>               system profile ARN
      arn:aws:bedrock:<region>:<account>:application-inference-profile/<id>     application profile ARN
      arn:aws:bedrock:<region>:<account>:provisioned-model/<id>                 provisioned throughput
    An application profile hides its model: int_model_ids_resolved resolves it through
    profile_map.model_source first, then passes the model_source through these same macros. -#}

{#- The resource part: the text after '<resource-type>/' in an ARN, or the id itself. -#}
{% macro model_resource(expression) -%}
    coalesce({{ bedrock_costs.regex_extract(expression, '^arn:[^:]+:bedrock:[^:]*:[^:]*:[a-z-]+/(.+)$') }}, {{ expression }})
{%- endmacro %}

{#- The cross-region routing prefix ('us', 'eu', 'global', ...) or NULL for in-region calls. -#}
{% macro model_routing_prefix(expression) -%}
    {{ bedrock_costs.regex_extract(bedrock_costs.model_resource(expression), '^(us-gov|us|eu|apac|jp|au|ca|in|global)\\.') }}
{%- endmacro %}

{#- The base model id, without ARN or routing prefix, as the call named it (int_model_ids_resolved
    then matches it to the catalog's canonical id). -#}
{% macro canonical_model_id(expression) -%}
    coalesce(
        {{ bedrock_costs.regex_extract(bedrock_costs.model_resource(expression), '^(?:us-gov|us|eu|apac|jp|au|ca|in|global)\\.(.+)$') }},
        {{ bedrock_costs.model_resource(expression) }}
    )
{%- endmacro %}

{#- A base model id without its trailing ':0' / ':0:200k' suffix and, with version=true, without its
    '-v1' version too: the keys on which a call's id is matched to a catalog id when not exactly. -#}
{% macro model_id_without_suffix(expression, version=false) -%}
    {%- set without_suffix = "regexp_replace(" ~ expression ~ ", '(:[0-9]+[a-z]*)+$', '')" -%}
    {%- if version -%}
        regexp_replace({{ without_suffix }}, '-v[0-9]+$', '')
    {%- else -%}
        {{ without_suffix }}
    {%- endif -%}
{%- endmacro %}

{#- global. profiles -> 'global'; geo profiles (us., eu., apac., jp., au., ...) -> 'geo';
    a bare id or foundation-model ARN -> 'in_region'. (A provisioned model's calls are 'provisioned',
    decided on the modelId itself: int_model_ids_resolved, is_provisioned_model.) -#}
{% macro model_price_scope(expression) -%}
    case
        when {{ expression }} is null then null
        when {{ bedrock_costs.model_routing_prefix(expression) }} = 'global' then 'global'
        when {{ bedrock_costs.model_routing_prefix(expression) }} is not null then 'geo'
        else 'in_region'
    end
{%- endmacro %}

{#- True when the call named an application inference profile (its model is in profile_map). -#}
{% macro is_application_profile(expression) -%}
    coalesce({{ expression }} like 'arn:%:bedrock:%:application-inference-profile/%', false)
{%- endmacro %}

{#- True when the call named a provisioned model (provisioned throughput): billed by the model unit
    hour, not by the token, so its tokens cost 0 at list price and the bill allocates the hours
    (int_bill_provisioned_usage). profile_map.csv may list its ARN, for its model and its owner. -#}
{% macro is_provisioned_model(expression) -%}
    coalesce({{ expression }} like 'arn:%:bedrock:%:provisioned-model/%', false)
{%- endmacro %}
