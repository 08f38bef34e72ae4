{#- Which requestMetadata keys feed each attribution field, tried in order (the first non-empty
    value wins). Set the var bedrock_costs_metadata_keys to a dict of field -> list of keys; the
    fields it leaves out keep these defaults, and a field mapped to [] is never read from metadata.

      end_user     user, userId        the person or client behind a gateway role
      app          app, applicationId  the application (a mapped profile's app tag wins)
      team         team                the owning team (a mapped profile's team tag wins)
      cost_center  costCenter          (a mapped profile's cost_center tag wins)
      environment  environment         (a mapped profile's environment tag wins)
      tenant       tenant              the customer or tenant the call was made for -#}
{% macro metadata_keys() %}
    {%- set keys = {
        'end_user': ['user', 'userId'],
        'app': ['app', 'applicationId'],
        'team': ['team'],
        'cost_center': ['costCenter'],
        'environment': ['environment'],
        'tenant': ['tenant'],
    } -%}
    {%- set configured = var('bedrock_costs_metadata_keys') or {} -%}
    {%- if configured is not mapping -%}
        {{ exceptions.raise_compiler_error('bedrock_costs_metadata_keys must map fields to lists of keys, got ' ~ configured) }}
    {%- endif -%}
    {%- for field, field_keys in configured.items() -%}
        {%- if field not in keys -%}
            {{ exceptions.raise_compiler_error('bedrock_costs_metadata_keys: unknown field ' ~ field ~ ' (expected one of ' ~ keys.keys() | join(', ') ~ ')') }}
        {%- endif -%}
        {%- do keys.update({field: [field_keys] if field_keys is string else (field_keys or [])}) -%}
    {%- endfor -%}
    {{ return(keys) }}
{% endmacro %}


{#- Whether the caller `column` (an identity ARN) may attribute spend with its requestMetadata: it
    matches a pattern of bedrock_costs_trusted_metadata_callers (gateways you run). A role ARN
    trusts its sessions; '*' is any text; LIKE's own wildcards are escaped. -#}
{% macro trusted_caller(column) %}
    {%- set tests = [] -%}
    {%- for pattern in var('bedrock_costs_trusted_metadata_callers') or [] -%}
        {%- set pattern = pattern | string | trim -%}
        {%- set role = modules.re.fullmatch('arn:([^:]+):iam::([0-9]+):role/(?:.*/)?([^/]+)', pattern) -%}
        {%- if role -%}
            {%- set pattern = 'arn:' ~ role.group(1) ~ ':sts::' ~ role.group(2) ~ ':assumed-role/' ~ role.group(3) ~ '/*' -%}
        {%- endif -%}
        {%- set like = pattern | replace('!', '!!') | replace('%', '!%') | replace('_', '!_') | replace('*', '%') -%}
        {%- do tests.append(column ~ ' like ' ~ bedrock_costs.sql_string(like) ~ " escape '!'") -%}
    {%- endfor -%}
    {{ return('coalesce(' ~ tests | join(' or ') ~ ', false)' if tests else 'false') }}
{% endmacro %}


{#- One column per attribution field, `claimed_<field>`: what the requestMetadata map
    `map_expression` says, by the keys of metadata_keys(), whoever the caller. -#}
{% macro claimed_metadata(map_expression) %}
    {%- set columns = [] -%}
    {%- set keys = bedrock_costs.metadata_keys() -%}
    {%- for field in ['app', 'team', 'cost_center', 'environment', 'end_user', 'tenant'] -%}
        {%- do columns.append(bedrock_costs.metadata_value(map_expression, keys[field]) ~ ' as claimed_' ~ field) -%}
    {%- endfor -%}
    {{ return(columns | join(',\n        ')) }}
{% endmacro %}
