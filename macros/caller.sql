{#- The one place that parses a caller's identity ARN (identity.arn in the log):
      arn:aws:iam::<acct>:user/<path/><name>                     iam_user,     name = user name
      arn:aws:sts::<acct>:assumed-role/<role>/<session>          assumed_role, name = session name
      arn:aws:sts::<acct>:assumed-role/AWSReservedSSO_<ps>_<hex>/<user>   sso_user, name = the user
      arn:aws:iam::<acct>:root                                   root,         name = 'root'
      arn:aws:sts::<acct>:federated-user/<name>                  federated,    name = user name
    Anything else is 'unknown', named by its full ARN so it is never silently merged. -#}

{% macro caller_role(arn) -%}
    {{ bedrock_costs.regex_extract(arn, '^arn:[^:]+:sts::[0-9]*:assumed-role/([^/]+)/.+$') }}
{%- endmacro %}

{% macro caller_type(arn) -%}
    case
        when {{ arn }} is null then 'unknown'
        when {{ bedrock_costs.caller_role(arn) }} like 'AWSReservedSSO%' then 'sso_user'
        when {{ bedrock_costs.caller_role(arn) }} is not null then 'assumed_role'
        when {{ bedrock_costs.regex_extract(arn, '^arn:[^:]+:iam::[0-9]*:(user)/.+$') }} is not null then 'iam_user'
        when {{ bedrock_costs.regex_extract(arn, '^arn:[^:]+:iam::[0-9]*:(root)$') }} is not null then 'root'
        when {{ bedrock_costs.regex_extract(arn, '^arn:[^:]+:sts::[0-9]*:(federated-user)/.+$') }} is not null then 'federated'
        else 'unknown'
    end
{%- endmacro %}

{% macro caller_name(arn) -%}
    coalesce(
        {{ bedrock_costs.regex_extract(arn, '^arn:[^:]+:sts::[0-9]*:assumed-role/[^/]+/(.+)$') }},
        {{ bedrock_costs.regex_extract(arn, '^arn:[^:]+:iam::[0-9]*:user/(?:.*/)?([^/]+)$') }},
        {{ bedrock_costs.regex_extract(arn, '^arn:[^:]+:iam::[0-9]*:(root)$') }},
        {{ bedrock_costs.regex_extract(arn, '^arn:[^:]+:sts::[0-9]*:federated-user/(.+)$') }},
        {{ arn }}
    )
{%- endmacro %}
